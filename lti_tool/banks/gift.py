from lti_tool.banks.model import Bank, BankError
def read(path):
    raise BankError("尚不支持", "not supported yet")
