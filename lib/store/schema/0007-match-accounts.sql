-- 0007: an account may act for an organisation of the needs-seeds
-- matching registry (a clinical site, a university, a company, a support
-- body): what it sees and writes there is what that organisation may.
-- Independent of the role and of the supply organisation (account.org).

ALTER TABLE account ADD COLUMN match_org INTEGER REFERENCES match_org(n);

-- the phase a case was opened at, so that the KPIs can tell when a venture
-- reached launch (later phases are its 'phase' events)
ALTER TABLE consult_case ADD COLUMN opened_phase TEXT;
