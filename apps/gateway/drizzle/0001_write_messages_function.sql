-- Custom SQL migration file, put your code below! --
-- Intentionally a no-op: a stored-function batch writer was measured slower than the
-- set-based batch statements the gateway uses, and was dropped before release.
SELECT 1;
