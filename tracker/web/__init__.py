"""The doors' shared edge: the request step of each door, error rendering, routing, templates.

- ``step``: the unit of work, the only place a request or command commits;
- ``forms``: the step of a staff form (``submit_form``, ``run_action``);
- ``json``: the step of a JSON endpoint (``run_json``);
- ``cli``: the step of a CLI command (``command_step``);
- ``errors``: problem+json and the error pages; ``routing``: URL converters;
- ``caching``: conditional GET (ETag, 304) of the public pages and the open data;
- ``templating``: the helpers every template gets.
"""
