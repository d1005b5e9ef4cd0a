from lti_tool.lti.models import ToolKey


def test_home_page_shows_registration_urls(client, app):
    base = app.config["SETTINGS"].public_base_url
    page = client.get("/?lang=en").get_data(as_text=True)
    for path in ("/lti/register/…", "/lti/canvas.json", "/lti/jwks", "/lti/login", "/lti/launch"):
        assert f"{base}{path}" in page
    assert "Moodle" in page and "Canvas" in page
    # Registration needs the operator's one-time URL, and the page says how to get one.
    assert "Registration needs an invitation" in page and "aftersales-training platform invite" in page


def test_jwks_generates_one_key_on_first_use(client, db_session):
    first = client.get("/lti/jwks").get_json()
    second = client.get("/lti/jwks").get_json()
    assert len(first["keys"]) == 1
    assert first == second
    assert first["keys"][0]["alg"] == "RS256" and "d" not in first["keys"][0]
    assert db_session.query(ToolKey).count() == 1


def test_unknown_page_is_a_clear_404(client):
    response = client.get("/no/such/page?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
