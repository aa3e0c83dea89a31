-- The table the chunks' shares of `actors` go into (actors_parts.sql, read by actors_rebuild.sql).
CREATE OR REPLACE TEMP TABLE _actor_parts (
    actor_id VARCHAR, name VARCHAR, name_first VARCHAR, actor_type VARCHAR, actor_type_first VARCHAR,
    ambiguous VARCHAR[], ambiguous_first VARCHAR, aliases VARCHAR[]
);
