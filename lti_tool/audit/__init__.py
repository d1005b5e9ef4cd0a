"""The audit log: one row for every action that changes who may do what, or that
takes data out of the tool (an HR token made, a certificate revoked, a roster
applied, an export run, a platform trusted, an invitation made). Rows are never
updated or deleted by the tool; HR reads and exports its organisation's."""
