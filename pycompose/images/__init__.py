"""Service images: what to build, pull, push and remove, and the operations that do it.

Decisions, no engine calls: the build context tar (`context`), `.dockerignore` rules (`dockerignore`), image names
and labels as Compose v2 gives them (`naming`), build inputs (`spec`), build order (`run`), pull policies (`pull`)
and the images `down --rmi` removes (`prune`). `operations` runs them through the engine port: `build`, `pull`,
`push` (re-exported by `pycompose.api`); `ensure` the images `up` needs before it creates anything.

This `__init__` imports nothing, so that a command reaches only the modules it uses.
"""
