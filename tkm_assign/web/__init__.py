"""The coordinators' page: a local web server over the application layer.

``tkm-assign serve`` starts it. Pages are rendered on the server from Jinja2 templates with
autoescaping; the few scripts they need (htmx, Leaflet) are vendored in ``static/vendor``.
Uploads, jobs and plans are kept in a SQLite file under the data folder (:mod:`.store`),
long work runs in worker processes (:mod:`.jobs`), and every request passes the checks of
:mod:`.security`. The pages only parse a form, call the application layer and render.
"""
