"""``slimfix measure``: build a Dockerfile as written and as slimfix rewrites it, and compare.

Both builds run in temporary copies of the build context, with the builder the machine has
(docker, podman or buildah; ``builders``).  The table (``report``) shows image size, layers,
cold build time, rebuild time after a one-line source change, build-context size and the
``--run`` smoke command's result, and which steps each rebuild ran again or reused, with
their times (``steps``); ``--layers`` adds the size of each layer beside the instruction that
made it (``layers``); ``--json`` prints the same figures in the shape the ``report`` module
documents.

Modules: ``cli`` (options), ``session`` (one run), ``workspace`` (copies, rewrite, the file
changed for the rebuild), ``builders`` (command lines), ``process`` (runs them), ``steps``
(a rebuild's log to its steps), ``layers`` (history to instructions), ``report`` (table and
JSON), ``progress`` (stderr display).
"""
