-- 002: ids are never reused; the store has an identity; members can be listed in
-- e-mail order page by page; bulk runs and their audit entries; settings; sign-in
-- throttling by e-mail and source.

-- Ids of users, companies and tokens are never reused (docs/rules.md). SQLite gives a
-- new row max(id) + 1, which reuses the id of a deleted last row; so inserts name their
-- id from a high-water mark that only grows, and a trigger refuses any other id.
CREATE TABLE id_high_water (
  tbl      TEXT    PRIMARY KEY,
  last_id  INTEGER NOT NULL
) WITHOUT ROWID;
-- Ids already handed out and deleted are known only from the audit log, which outlives them.
INSERT INTO id_high_water (tbl, last_id) VALUES
  ('users', max(coalesce((SELECT max(id) FROM users), 0), coalesce((SELECT max(actor_id) FROM audit_log), 0))),
  ('companies', max(coalesce((SELECT max(id) FROM companies), 0), coalesce((SELECT max(company_id) FROM audit_log), 0))),
  ('tokens', max(coalesce((SELECT max(id) FROM tokens), 0),
                 coalesce((SELECT max(CAST(target AS INTEGER)) FROM audit_log WHERE action IN ('token.create', 'token.revoke')), 0)));

CREATE TRIGGER users_id_never_reused BEFORE INSERT ON users
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'users')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new user must take a never-used id'); END;
CREATE TRIGGER users_id_high_water AFTER INSERT ON users
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'users'; END;
CREATE TRIGGER companies_id_never_reused BEFORE INSERT ON companies
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'companies')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new company must take a never-used id'); END;
CREATE TRIGGER companies_id_high_water AFTER INSERT ON companies
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'companies'; END;
CREATE TRIGGER tokens_id_never_reused BEFORE INSERT ON tokens
  WHEN NEW.id IS NULL OR NEW.id <= (SELECT last_id FROM id_high_water WHERE tbl = 'tokens')
  BEGIN SELECT RAISE(ABORT, 'platformctl: a new token must take a never-used id'); END;
CREATE TRIGGER tokens_id_high_water AFTER INSERT ON tokens
  BEGIN UPDATE id_high_water SET last_id = NEW.id WHERE tbl = 'tokens'; END;

-- The store's identity: sessions belong to it, not to the spelling of its location
-- (a primary and its replicas, ./x.db and /abs/x.db). A backup keeps it.
INSERT INTO platformctl_meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))))
  ON CONFLICT (key) DO NOTHING;
-- Once a store has had a SUPPORT user, staff grants are never open to everyone again.
INSERT INTO platformctl_meta (key, value)
  SELECT 'staff_bootstrapped', '1'
   WHERE EXISTS (SELECT 1 FROM users WHERE is_support = 1)
      OR EXISTS (SELECT 1 FROM audit_log WHERE action = 'staff.grant')
  ON CONFLICT (key) DO NOTHING;

-- A member's e-mail beside the membership, so a company's members can be read in
-- e-mail order a page at a time from one index (with the invitations' own index).
-- E-mail addresses never change; `store check` verifies the copy.
ALTER TABLE memberships ADD COLUMN email TEXT NOT NULL DEFAULT '';
UPDATE memberships SET email = (SELECT u.email FROM users u WHERE u.id = memberships.user_id);
CREATE UNIQUE INDEX memberships_company_email ON memberships (company_id, email);

-- Audit entries are read newest first, per company, page by page; the changes of one
-- bulk run (member import / sync) carry its id.
ALTER TABLE audit_log ADD COLUMN run_id INTEGER;
CREATE INDEX audit_company_id ON audit_log (company_id, id);
CREATE INDEX audit_run ON audit_log (run_id, id) WHERE run_id IS NOT NULL;

-- One row per `member import` / `member sync` run: what it was, how far it got.
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
);
CREATE INDEX bulk_runs_status ON bulk_runs (status, id);

-- Settings staff change (the support contact that `billing show` prints).
CREATE TABLE settings (
  key         TEXT    PRIMARY KEY,
  value       TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  updated_by  INTEGER
) WITHOUT ROWID;

-- Failed sign-ins by e-mail (whether or not it has an account, so the throttle tells
-- nobody who has one) and by source (a random id kept in each config directory);
-- source '*' counts every source at once.
CREATE TABLE login_throttle (
  email            TEXT    NOT NULL,
  source           TEXT    NOT NULL,
  failures         INTEGER NOT NULL DEFAULT 0,
  locked_until     TEXT,
  last_success_at  TEXT,
  updated_at       TEXT    NOT NULL,
  PRIMARY KEY (email, source)
) WITHOUT ROWID;

-- Wrong current passwords given through one session or token (password change).
ALTER TABLE tokens ADD COLUMN failed_checks INTEGER NOT NULL DEFAULT 0;
