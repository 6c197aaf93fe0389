-- Search stays as fast between vacuums as after one.
--
-- A GIN index with `fastupdate` (PostgreSQL's default) puts new entries in a pending
-- list that every search reads through in full, until a vacuum (or 4 MB of entries)
-- moves them into the index. Autovacuum visits a table of 20,000 statements after about
-- 5,000 inserts: measured on the benchmark's record, 3,000 new statements took the
-- statement part of a search from 0.49 to 3.15 ms, until the next vacuum. Without the
-- pending list a write updates the index itself: about 90 µs more for a statement,
-- measured over 3,000 inserts. Writes are few and reads many here.

alter index actor_search set (fastupdate = off);
alter index source_search set (fastupdate = off);
alter index declaration_search set (fastupdate = off);
alter index provision_search set (fastupdate = off);
alter index statement_search set (fastupdate = off);
alter index warning_search set (fastupdate = off);
alter index citation_search set (fastupdate = off);
alter index track_search set (fastupdate = off);

-- What is pending now moves into the indexes (later writes no longer add any).
select gin_clean_pending_list(index_name::regclass)
from unnest(array[
    'actor_search', 'source_search', 'declaration_search', 'provision_search',
    'statement_search', 'warning_search', 'citation_search', 'track_search'
]) as index_name;
