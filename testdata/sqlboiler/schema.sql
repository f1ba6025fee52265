-- The tables the models in ./models were generated from (see README.md).
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  owner text NOT NULL,
  balance bigint NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'active'
);
CREATE TABLE page (
  id bigserial PRIMARY KEY,
  path text NOT NULL UNIQUE,
  views bigint NOT NULL DEFAULT 0
);
