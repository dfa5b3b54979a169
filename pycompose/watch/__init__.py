"""`watch` / `up --watch`: follow `develop.watch` paths and bring the running containers up to date (v2.40
`pkg/compose/watch.go`, `pkg/watch/`).

    rules     the triggers of `develop.watch` as values, which ones a changed path matches, and the batch plan
              (rebuild, sync, restart, exec per service): pure, no engine
    debounce  v2's quiet period: paths gathered until 500 ms pass without a new one
    initial   which files `initial_sync` copies before watching starts (v2's base-name ignore test)
    sync      copying changed files into a service's containers (one tar through `put_archive`, deletes by
              `rm -rf` through exec), as v2's tar syncer does
    loop      the file watcher (watchdog, imported lazily: only `watch` pays for it) and the thread that turns
              batches into actions through a `WatchActions` the caller implements

The API (`pycompose.api.watch`) compiles the ignore patterns (`.dockerignore` semantics live in
`pycompose.images.dockerignore`) and implements the actions that reuse build and `up`.
"""
