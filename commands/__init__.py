"""The command-line room: what `invoke` (tasks.py) runs that is not part of a Pelican build.

`plugins/` holds only the Pelican plugins, which run inside every build. The features a person runs by
hand live here, one module each, and `tasks.py` only declares the tasks and calls into them:

- `project`: the project's folders and the Pelican command line that the build tasks run;
- `deploy`: `invoke deploy`, the deploy targets (dir, rsync, gh-pages, s3) and the DEPLOY setting;
- `new_article`: `invoke new`, an article skeleton that already passes every front-matter rule;
- `external_links`: `invoke check-links`, external links of the last build that no longer answer;
- `dev_server`: `invoke serve`, the live-reload server and its WSGI app for the built site;
- `housekeeping`: `invoke clean` and `invoke test` (ruff, the npm checkers, pytest);
- `wordpress/`: `invoke import-wordpress`, a WordPress export brought into content/ (a package: reading the
  export, converting the text, media, the map and the report each have a module).

Commands may import plugin modules (tasks.py puts `plugins/` on `sys.path`, as pytest does); plugins
never import commands. The speed benchmark (`invoke bench`) has its own room, `bench/`.
"""
