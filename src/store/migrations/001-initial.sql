-- 001: the whole platform schema. Times are ISO-8601 UTC strings.

CREATE TABLE plans (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  max_users   INTEGER CHECK (max_users IS NULL OR max_users >= 1), -- NULL = unlimited
  custom      INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),
  is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX plans_one_default ON plans (is_default) WHERE is_default = 1;

CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  email               TEXT    NOT NULL UNIQUE,          -- trimmed, lower-case
  first_name          TEXT    NOT NULL,
  last_name           TEXT    NOT NULL,
  phone               TEXT,
  password_hash       TEXT    NOT NULL,                 -- scrypt-kdf, base64, parameters inside
  is_support          INTEGER NOT NULL DEFAULT 0 CHECK (is_support IN (0, 1)),
  current_company_id  INTEGER,                          -- checked by `store check`: a company the user belongs to
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  locked_until        TEXT,
  created_at          TEXT    NOT NULL,
  updated_at          TEXT    NOT NULL
);

-- Every user owns exactly one company (their main company): owner_id is UNIQUE.
CREATE TABLE companies (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  owner_id    INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  plan_id     INTEGER NOT NULL REFERENCES plans (id),
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
CREATE INDEX companies_name ON companies (name);

CREATE TABLE memberships (
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        TEXT    NOT NULL CHECK (role IN ('OWNER', 'ADMINISTRATOR', 'MANAGER', 'DESIGNER')),
  status      TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'INVITED')),
  invited_by  INTEGER,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  PRIMARY KEY (company_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_user ON memberships (user_id);
CREATE UNIQUE INDEX memberships_one_owner ON memberships (company_id) WHERE role = 'OWNER';

-- Invitations of e-mails that have no account yet (status PENDING).
CREATE TABLE invitations (
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  email       TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('ADMINISTRATOR', 'MANAGER', 'DESIGNER')),
  invited_by  INTEGER,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  PRIMARY KEY (company_id, email)
) WITHOUT ROWID;
CREATE INDEX invitations_email ON invitations (email);

-- Sessions and personal API tokens; only SHA-256 hashes of the secrets are kept.
CREATE TABLE tokens (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind          TEXT    NOT NULL CHECK (kind IN ('session', 'api')),
  name          TEXT,
  token_hash    TEXT    NOT NULL UNIQUE,
  created_at    TEXT    NOT NULL,
  expires_at    TEXT,
  revoked_at    TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

-- The audit log outlives the users and companies it names, so it copies their names.
CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  at            TEXT    NOT NULL,
  actor_id      INTEGER,
  actor_email   TEXT,
  company_id    INTEGER,
  company_name  TEXT,
  action        TEXT    NOT NULL,
  target        TEXT,
  details       TEXT                                   -- JSON object
);
CREATE INDEX audit_company_at ON audit_log (company_id, at);
CREATE INDEX audit_actor_at ON audit_log (actor_email, at);

INSERT INTO plans (name, max_users, custom, is_default, created_at) VALUES
  ('FREE',       3,    0, 1, '1970-01-01T00:00:00.000Z'),
  ('TEAM',       10,   0, 0, '1970-01-01T00:00:00.000Z'),
  ('BUSINESS',   50,   0, 0, '1970-01-01T00:00:00.000Z'),
  ('ENTERPRISE', NULL, 1, 0, '1970-01-01T00:00:00.000Z');
