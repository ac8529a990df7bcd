-- Known hosts of the UDP tunnel: the server key pinned for each host name, on first use. Rows are only ever inserted:
-- the primary key makes one pin per host, and is the index every look-up uses.
CREATE TABLE IF NOT EXISTS tunnel_known_hosts (
    host       VARCHAR(255) NOT NULL PRIMARY KEY,
    public_key VARCHAR(64)  NOT NULL,
    pinned_at  TIMESTAMP    NOT NULL
);
