-- The member list searched by framed address or access line as an admin
-- types (src/db/member-pages.ts): each search is a range or an overlap on
-- an index of its own within the tenant, so a page stays as cheap at 100,000
-- members as the username search is (sql/050_api_accounts.sql).

-- The start of an IPv4 address as written (192.0.2.1 finds 192.0.2.1 and
-- 192.0.2.10-19): a range of its text, in byte order.
CREATE INDEX members_tenant_ipv4_text_idx ON members (tenant_id, (host(ipv4) COLLATE "C")) WHERE ipv4 IS NOT NULL;
-- The start of an IPv6 prefix as PostgreSQL writes it (2001:db8:12…).
CREATE INDEX members_tenant_ipv6_text_idx ON members (tenant_id, (text(ipv6_prefix) COLLATE "C")) WHERE ipv6_prefix IS NOT NULL;
-- A whole IPv6 address or block: the prefixes that hold it or lie in it (&&).
CREATE INDEX members_ipv6_prefix_overlap_idx ON members USING gist (ipv6_prefix inet_ops) WHERE ipv6_prefix IS NOT NULL;
-- The start of an access line (Agent-Circuit-Id and the like), in byte order.
CREATE INDEX members_tenant_line_page_idx ON members (tenant_id, (line_id COLLATE "C")) WHERE line_id IS NOT NULL;
