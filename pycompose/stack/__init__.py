"""`pycompose stack`: the same compose file deployed to a Docker Swarm, as `docker stack deploy` does it.

`convert` (model → swarm specs, pure), `plan` (desired vs observed → actions with reasons, pure), `deploy` (observe,
apply, wait), `operations` (what the CLI calls), `fake` (an in-memory swarm for unit tests).
"""
