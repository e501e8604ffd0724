-- The current shape of the store, for readers. Generated from a migrated store;
-- test/store/schema.test.ts fails when it drifts from src/store/migrations/.

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
, run_id INTEGER);

CREATE TABLE bulk_runs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL CHECK (kind IN ('import', 'sync')),
  actor_id     INTEGER,
  actor_email  TEXT    NOT NULL,
  source       TEXT,                                    -- file name, or '-' for stdin
  status       TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  rows         INTEGER NOT NULL DEFAULT 0,              -- rows applied so far
  last_line    INTEGER NOT NULL DEFAULT 0,              -- last input line applied
  counts       TEXT,                                    -- JSON: invited, updated, removed, unchanged, failed
  error        TEXT,
  started_at   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL,
  finished_at  TEXT
, input_sha256 TEXT, planned INTEGER NOT NULL DEFAULT 0);

CREATE TABLE companies (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  owner_id    INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  plan_id     INTEGER NOT NULL REFERENCES plans (id),
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);

CREATE TABLE id_high_water (
  tbl      TEXT    PRIMARY KEY,
  last_id  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE invitations (
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  email       TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('ADMINISTRATOR', 'MANAGER', 'DESIGNER')),
  invited_by  INTEGER,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  PRIMARY KEY (company_id, email)
) WITHOUT ROWID;

CREATE TABLE login_throttle (
  email            TEXT    NOT NULL,
  source           TEXT    NOT NULL,
  failures         INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  last_success_at  TEXT,
  updated_at       TEXT    NOT NULL,
  PRIMARY KEY (email, source)
) WITHOUT ROWID;

CREATE TABLE memberships (
  company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        TEXT    NOT NULL CHECK (role IN ('OWNER', 'ADMINISTRATOR', 'MANAGER', 'DESIGNER')),
  status      TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'INVITED')),
  invited_by  INTEGER,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL, email TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (company_id, user_id)
) WITHOUT ROWID;

CREATE TABLE plans (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  max_users   INTEGER CHECK (max_users IS NULL OR max_users >= 1), -- NULL = unlimited
  custom      INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),
  is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at  TEXT    NOT NULL
);

CREATE TABLE platformctl_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE settings (
  key         TEXT    PRIMARY KEY,
  value       TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  updated_by  INTEGER
) WITHOUT ROWID;

CREATE TABLE tokens (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind          TEXT    NOT NULL CHECK (kind IN ('session', 'api')),
  name          TEXT,
  token_hash    TEXT    NOT NULL UNIQUE,
  created_at    TEXT    NOT NULL,
  expires_at    TEXT,
  revoked_at    TEXT
, failed_checks INTEGER NOT NULL DEFAULT 0);

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

CREATE INDEX audit_actor_at ON audit_log (actor_email, at);

CREATE INDEX audit_company_at ON audit_log (company_id, at);

CREATE INDEX audit_company_id ON audit_log (company_id, id);

CREATE INDEX audit_run ON audit_log (run_id, id) WHERE run_id IS NOT NULL;

CREATE INDEX bulk_runs_input ON bulk_runs (input_sha256, status);

CREATE INDEX bulk_runs_status ON bulk_runs (status, id);

CREATE INDEX companies_name ON companies (name);

CREATE INDEX invitations_email ON invitations (email);

CREATE UNIQUE INDEX memberships_company_email ON memberships (company_id, email);

CREATE UNIQUE INDEX memberships_one_owner ON memberships (company_id) WHERE role = 'OWNER';

CREATE INDEX memberships_user ON memberships (user_id);

CREATE UNIQUE INDEX plans_one_default ON plans (is_default) WHERE is_default = 1;

CREATE INDEX tokens_user ON tokens (user_id);

CREATE TRIGGER companies_id_high_water AFTER INSERT ON companies
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'companies'; END;

CREATE TRIGGER companies_id_never_reused BEFORE INSERT ON companies
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'companies')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new company must take a never-used id'); END;

CREATE TRIGGER tokens_id_high_water AFTER INSERT ON tokens
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'tokens'; END;

CREATE TRIGGER tokens_id_never_reused BEFORE INSERT ON tokens
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'tokens')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new token must take a never-used id'); END;

CREATE TRIGGER users_id_high_water AFTER INSERT ON users
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'users'; END;

CREATE TRIGGER users_id_never_reused BEFORE INSERT ON users
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'users')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new user must take a never-used id'); END;
