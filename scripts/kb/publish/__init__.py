"""Publishing the built site to intranet hosts (the code behind ``scripts/publish.py``).

Standard library only: the CI publish job runs ``python3 scripts/publish.py`` with a bare
system Python, so nothing here may import third-party packages or other ``kb`` modules.

    errors     exit codes, PublishError, failure classification, console messages
    layout     names of the publish-root layout, release naming and pruning rule
    marker     validation of the build marker (.kb-build.json)
    tree       walking a tree without following symlinks (site, snapshot, local release)
    manifest   the sha256 manifest and the two-way check of a release against it
    snapshot   the private copy of the site that is uploaded and described by the manifest
    lock       lock owner record and staleness rules
    target     State and the Target base class (logic shared by all targets)
    rsync      the rsync command line used by both targets
    ssh        SSHTarget (sh snippets over ssh) and the parsers of their output
    local      LocalTarget (a directory on this machine)
    spec       parsing a TARGET argument
    multi      several targets: locking all, switching back, mixed state, publish --resume
    commands   publish, rollback, status
    cli        argument parser and main()
"""
