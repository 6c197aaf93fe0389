-- The position an actor holds toward a subject at an instant, from the stance history.
--
-- An actor's stances toward one subject are its history there: each holds from its
-- `since` until a later one begins (an undated stance holds from the start, the way the
-- stance lists sort it: `coalesce(since_at, '-infinity')`). At an instant, the stances
-- held are those begun before it and not followed by another begun before it; two begun
-- at the same instant are held together (sources that disagree, or a position changed
-- on a day). `at` is exclusive: the stances held on 8 January 2026 are those held at
-- '2026-01-09' (the end of that day); 'infinity' gives the positions held now.
--
-- One rule for `stances(asOf:)` and the stance matrix (sql/queries/matrix.sql); the
-- index stance_subject_since (0005) finds the later stances of a subject.
create function stance_held_at(held stance, at timestamptz) returns boolean
language sql stable parallel safe as $$
    select coalesce(held.since_at, '-infinity') < at
       and not exists (
           select 1 from stance later
           where later.subject_id = held.subject_id
             and later.actor_id = held.actor_id
             and coalesce(later.since_at, '-infinity') > coalesce(held.since_at, '-infinity')
             and coalesce(later.since_at, '-infinity') < at)
$$;
