"""The routes of the coordinators' page: parse the request, queue or read a job, render.

``create_app(options)`` builds the Starlette application; ``tkm-assign serve`` runs it with
uvicorn. Pages are Jinja2 templates with autoescaping on; every id that reaches a path is
checked against the store first (job ids are random hex made here, mentor ids must be one
of the plan's), so no user text ever becomes a path.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import zipfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tkm_assign import __version__, rules
from tkm_assign.app import programme_as_of
from tkm_assign.config import Config
from tkm_assign.errors import ConfigError
from tkm_assign.messages import Message
from tkm_assign.web import geodata, guide, pagedata, security, tasks, texts
from tkm_assign.web.forms import SETTINGS, current_values, presets, settings_from_form
from tkm_assign.web.jobs import JobRunner
from tkm_assign.web.store import Job, Store, is_id
from tkm_assign.web.uploads import Refused, check_upload, display_name

log = logging.getLogger("tkm_assign.web")
STATIC_DIR = Path(__file__).parent / "static"
PAGE_ROWS = 50
LANG_COOKIE = "tkm_lang"
PLAN_KINDS = ("plan", "replan")
ZIPPED = ("calendars", "messages")  # output folders downloadable as one zip
DEMO_DAY = 45  # the as-of date offered before the programme starts (to try a simulation)
FOLLOW_UP_DAYS = 14  # after a re-plan, the as-of date offered next


@dataclass(frozen=True)
class Options:
    """How one server runs (from ``tkm-assign serve``)."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8050
    token: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    workers: int | None = None
    config: Config = field(default_factory=Config)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tkm_assign.web", "templates"),
        autoescape=select_autoescape(("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = texts.number
    env.filters["percent"] = texts.percent
    return env


class Web:
    """The state of one server: store, runner, templates, access rules."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.config = options.config
        self.store = Store(options.data_dir)
        self.runner = JobRunner(self.store, options.workers)
        self.access = security.Access.for_address(
            options.host, options.port, options.token, options.allowed_hosts
        )
        self.env = _environment()

    # rendering ----------------------------------------------------------------------------

    def lang(self, request: Request) -> str:
        chosen = request.cookies.get(LANG_COOKIE, "")
        return chosen if chosen in texts.LANGUAGES else self.config.output.lang

    def page(
        self, request: Request, template: str, status_code: int = 200, **values: Any
    ) -> Response:
        lang = self.lang(request)
        html = self.env.get_template(template).render(
            t=texts.translator(lang),
            lang=lang,
            other_lang="en" if lang == "id" else "id",
            csrf=security.csrf_token(request),
            path=request.url.path,
            version=__version__,
            tile_url=self.config.web.tile_url,
            tile_attribution=self.config.web.tile_attribution,
            known=texts.known,
            step_text=lambda step: texts.step(step, lang),
            stored=lambda data, key: texts.stored(data, key, lang),
            **values,
        )
        response = HTMLResponse(html, status_code=status_code)
        return security.remember_csrf(request, response)

    def job_or_404(self, job_id: str, kinds: tuple[str, ...] = ()) -> Job:
        job = self.store.job(job_id) if is_id(job_id) else None
        if job is None or (kinds and job.kind not in kinds):
            raise HTTPException(404)
        return job

    @asynccontextmanager
    async def form(self, request: Request) -> AsyncIterator[FormData]:
        """The submitted form, its CSRF token checked, with the upload limit applied.

        Uploaded files are spooled to temporary files, closed when the block ends.
        """
        limit = self.config.web.max_upload_bytes
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > 3 * limit + 1_000_000:
            raise Refused("web.upload.request_too_large", {"limit_mb": limit / 2**20})
        try:
            form = await request.form(max_files=8, max_fields=100, max_part_size=limit + 1)
        except MultiPartException:
            raise Refused("web.upload.request_too_large", {"limit_mb": limit / 2**20}) from None
        try:
            if not security.csrf_ok(request, _text(form.get(security.CSRF_FIELD))):
                raise HTTPException(403, "the form has expired; reload the page and send it again")
            yield form
        finally:
            await form.close()

    async def upload(self, form: FormData, role: str, required: bool) -> str | None:
        """Store one uploaded file of the form; its id, or ``None`` when none was sent."""
        item = form.get(role)
        if not isinstance(item, UploadFile) or not item.filename:
            if required:
                raise Refused("web.upload.missing", {"role": role})
            return None
        name = display_name(item.filename)
        limit = self.config.web.max_upload_bytes
        if item.size is not None and item.size > limit:
            raise Refused(
                "web.upload.too_large",
                {"file": name, "size_mb": item.size / 2**20, "limit_mb": limit / 2**20},
            )
        content = await item.read(limit + 1)
        rows = check_upload(
            name, content, self.config.web.max_upload_bytes, self.config.web.max_rows
        )
        return self.store.add_upload(role, name, content, rows).id


def create_app(options: Options) -> Starlette:
    """The application for ``options``; the job runner starts with the server."""
    web = Web(options)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        removed = web.store.remove_older_than(web.config.web.keep_days)
        if removed:
            log.info(
                Message.of(
                    "log.web.jobs_removed", count=len(removed), days=int(web.config.web.keep_days)
                )
            )
        web.runner.start()
        # The outlines take seconds to build: ready before the first plan page asks.
        threading.Thread(target=geodata.warm_up, name="tkm-warm-up", daemon=True).start()
        try:
            yield
        finally:
            web.runner.stop()

    async def home(request: Request) -> Response:
        plans = web.store.jobs(kinds=PLAN_KINDS)
        others = [j for j in web.store.jobs() if j.kind not in PLAN_KINDS]
        return web.page(request, "home.html", plans=plans, others=others)

    async def new_plan(request: Request) -> Response:
        return _form_page(request, "plan", {}, None)

    async def audit_form(request: Request) -> Response:
        return _form_page(request, "audit", {}, None)

    async def capacity_form(request: Request) -> Response:
        return _form_page(request, "capacity", {}, None)

    def _form_page(
        request: Request,
        kind: str,
        values: Mapping[str, str],
        refusal: Refused | None,
        status: int = 200,
    ) -> Response:
        defaults = current_values(Config.load())
        refusal_text = _refusal_text(refusal, web.lang(request))
        return web.page(
            request,
            FORMS[kind].template,
            status_code=status,
            kind=kind,
            presets=presets(),
            scenario_files=list(tasks.scenario_files()),
            settings=SETTINGS,
            values={**defaults, **values},
            refusal=refusal,
            refusal_text=refusal_text,
            max_upload_mb=web.config.web.max_upload_mb,
            max_rows=web.config.web.max_rows,
        )

    async def submit(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in FORMS:
            raise HTTPException(404)
        spec = FORMS[kind]
        values: dict[str, str] = {}
        try:
            async with web.form(request) as form:
                values = {k: v for k, v in form.items() if isinstance(v, str)}
                settings = {**settings_from_form(values), **spec.extra(values)}
                inputs = {}
                for role in spec.required:
                    inputs[role] = await web.upload(form, role, required=True)
                for role in spec.optional:
                    inputs[role] = await web.upload(form, role, required=False)
        except Refused as refusal:
            return _form_page(request, kind, values, refusal, status=400)
        except ConfigError as error:
            settings_refusal = Refused("web.settings", {"text": error.render(web.lang(request))})
            return _form_page(request, kind, values, settings_refusal, status=400)
        title = values.get("title", "").strip()[:120] or _default_title(web, inputs)
        job = web.runner.submit(
            kind,
            title,
            {k: v for k, v in inputs.items() if v},
            settings,
            web.lang(request),
        )
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def programme_page(request: Request) -> Response:
        return _programme_form(request, _finished_plan(web, request), {}, None)

    def _programme_form(
        request: Request,
        job: Job,
        values: Mapping[str, str],
        refusal: Refused | None,
        status: int = 200,
    ) -> Response:
        config = tasks.job_config_for(web.store, job)
        first, last = _programme_days(config)
        today = programme_as_of(config)
        offered = first + dt.timedelta(days=DEMO_DAY - 1) if today == first else today
        if "as_of" in job.settings:  # a re-plan: its logbook ends there; two weeks on
            offered = max(offered, tasks.as_of(job) + dt.timedelta(days=FOLLOW_UP_DAYS))
        following = [j for j in web.store.jobs(kinds=tasks.FOLLOWING) if j.base_id == job.id]
        return web.page(
            request,
            "programme.html",
            status_code=status,
            job=job,
            values={"as_of": min(offered, last).isoformat(), **values},
            first_day=first.isoformat(),
            following=following,
            refusal=refusal,
            refusal_text=_refusal_text(refusal, web.lang(request)),
            max_upload_mb=web.config.web.max_upload_mb,
            max_rows=web.config.web.max_rows,
        )

    async def programme_submit(request: Request) -> Response:
        """Queue a progress report, a re-plan or a simulated logbook of a finished plan."""
        base = _finished_plan(web, request)
        values: dict[str, str] = {}
        try:
            async with web.form(request) as form:
                values = {k: v for k, v in form.items() if isinstance(v, str)}
                kind = values.get("kind", "")
                if kind not in tasks.FOLLOWING:
                    raise HTTPException(400, "choose progress, re-plan or simulate")
                day = _checked_as_of(values.get("as_of", ""), tasks.job_config_for(web.store, base))
                inputs: dict[str, str] = {}
                if kind != "simulate":
                    logbook = await web.upload(form, "logbook", required=True)
                    assert logbook is not None
                    inputs["logbook"] = logbook
                for role in ("participants", "mentors"):
                    given = await web.upload(form, role, required=False)
                    if given or base.inputs.get(role):
                        inputs[role] = given or base.inputs[role]
        except Refused as refusal:
            return _programme_form(request, base, values, refusal, status=400)
        except ConfigError as error:
            settings_refusal = Refused("web.settings", {"text": error.render(web.lang(request))})
            return _programme_form(request, base, values, settings_refusal, status=400)
        job = _follow(base, kind, inputs, day.isoformat(), web.lang(request))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def follow_on(request: Request) -> Response:
        """The next step from a finished report or simulation: same logbook, same date."""
        job = web.job_or_404(request.path_params["job_id"], ("progress", "simulate"))
        kind = request.path_params["kind"]
        if job.status != "done" or kind not in ("progress", "replan") or job.kind == kind:
            raise HTTPException(404)
        base = web.store.job(job.base_id) if job.base_id else None
        if base is None or base.status != "done":
            raise HTTPException(404, "the plan this followed has been deleted")
        async with web.form(request):
            made = (job.summary or {}).get("uploads", {}) if job.kind == "simulate" else {}
            inputs = {**job.inputs, **made}
            follow = _follow(base, kind, inputs, str(job.settings["as_of"]), web.lang(request))
        return RedirectResponse(f"/jobs/{follow.id}", status_code=303)

    def _follow(base: Job, kind: str, inputs: Mapping[str, str], day: str, lang: str) -> Job:
        title = f"{base.title.split(' · ')[0]} · {day}"
        settings = {**base.settings, "as_of": day}
        return web.runner.submit(kind, title, inputs, settings, lang, base_id=base.id)

    async def job_page(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        if job.status == "done" and job.kind in PLAN_KINDS:
            return RedirectResponse(f"/plans/{job.id}", status_code=303)
        return web.page(
            request,
            "job.html",
            job=job,
            uploads=_uploads(web, job),
            running=len(web.runner.running()),
            files=_files(web, job) if job.status == "done" else [],
            result=job.summary or {},
            base=web.store.job(job.base_id) if job.base_id else None,
        )

    async def job_progress(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        response = web.page(request, "_progress.html", job=job, running=len(web.runner.running()))
        if job.finished:
            response.headers["HX-Redirect"] = f"/jobs/{job.id}"
        return response

    async def cancel_job(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        async with web.form(request):
            web.runner.cancel(job.id)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def delete_job(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        async with web.form(request):
            web.runner.cancel(job.id)
            web.store.delete_job(job.id)
        return RedirectResponse("/", status_code=303)

    async def plan_page(request: Request) -> Response:
        job = _finished_plan(web, request)
        mentors = _mentors(web, job)
        return web.page(
            request,
            "plan.html",
            job=job,
            figures=job.summary or {},
            mentors=sorted(mentors, key=lambda m: -(m["utilisation"] or 0.0)),
            files=_files(web, job),
            base=web.store.job(job.base_id) if job.base_id else None,
        )

    async def plan_map(request: Request) -> Response:
        job = _finished_plan(web, request)
        path = tasks.page_dir(web.store, job.id) / pagedata.MAP_FILE
        packed = path.with_name(path.name + ".gz")
        if packed.exists() and "gzip" in request.headers.get("accept-encoding", ""):
            return FileResponse(
                packed,
                media_type="application/json",
                headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
            )
        return FileResponse(path, media_type="application/json")

    async def plan_table(request: Request) -> Response:
        job = _finished_plan(web, request)
        frame = _table(web, job, "assignments.csv")
        province = request.query_params.get("province", "")
        status = request.query_params.get("status", "")
        query = request.query_params.get("q", "").strip().lower()
        if province:
            frame = frame[frame["province"] == province]
        if status in ("assigned", "unassigned"):
            frame = frame[frame["status"] == status]
        if query:
            text = frame["participant_id"].str.lower() + " " + frame["mentor_id"].str.lower()
            frame = frame[text.str.contains(query, regex=False)]
        page = max(1, _int(request.query_params.get("page"), 1))
        rows = frame.iloc[(page - 1) * PAGE_ROWS : page * PAGE_ROWS].to_dict("records")
        return web.page(
            request,
            "_assignments.html",
            job=job,
            rows=rows,
            total=len(frame),
            page=page,
            pages=max(1, -(-len(frame) // PAGE_ROWS)),
            query=request.query_params,
        )

    async def mentor_page(request: Request) -> Response:
        job = _finished_plan(web, request)
        mentor_id = request.path_params["mentor_id"]
        mentors = {m["mentor_id"]: m for m in _mentors(web, job)}
        if mentor_id not in mentors:
            raise HTTPException(404)
        schedule = _table(web, job, "schedule.csv")
        routes = _table(web, job, "routes.csv")
        assignments = _table(web, job, "assignments.csv")
        return web.page(
            request,
            "mentor.html",
            job=job,
            mentor=mentors[mentor_id],
            sessions=schedule[schedule["mentor_id"] == mentor_id].to_dict("records"),
            routes=routes[routes["mentor_id"] == mentor_id].to_dict("records"),
            participants=assignments[assignments["mentor_id"] == mentor_id].to_dict("records"),
            calendar=_mentor_file(web, job, mentor_id, "calendars", ".ics"),
            printable=_mentor_file(web, job, mentor_id, "calendars", ".html"),
            message=_mentor_message(web, job, mentor_id),
        )

    async def download(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        wanted = request.path_params["name"]
        files = {f["name"]: f for f in _files(web, job)}
        if wanted not in files:
            raise HTTPException(404)
        path = files[wanted]["path"]
        return FileResponse(
            path,
            filename=Path(wanted).name,
            content_disposition_type="attachment",
        )

    async def calendars_zip(request: Request) -> Response:
        job = _finished_plan(web, request)
        return _zipped(tasks.outputs_dir(web.store, job.id), "calendars", "*.ics")

    async def folder_zip(request: Request) -> Response:
        """A finished job's calendars or WhatsApp messages as one zip."""
        job = web.job_or_404(request.path_params["job_id"])
        folder = request.path_params["folder"]
        if job.status != "done" or folder not in ZIPPED:
            raise HTTPException(404)
        pattern = "*.ics" if folder == "calendars" else "*.txt"
        return _zipped(tasks.outputs_dir(web.store, job.id), folder, pattern)

    async def provinces(request: Request) -> Response:
        outline = await run_in_threadpool(geodata.provinces_geojson)
        return _compressed(request, outline.raw, outline.gzipped, "application/geo+json")

    async def regencies(request: Request) -> Response:
        code = request.path_params["code"]
        if not code.isdigit() or len(code) != 2:
            raise HTTPException(404)
        outline = await run_in_threadpool(geodata.regencies_geojson, code)
        return _compressed(request, outline.raw, outline.gzipped, "application/geo+json")

    async def help_redirect(_request: Request) -> Response:
        return RedirectResponse("/help/", status_code=308)

    async def help_page(request: Request) -> Response:
        return web.page(request, "guide.html", guide=Markup(guide.render(web.lang(request))))

    async def help_image(request: Request) -> Response:
        path = guide.image(request.path_params["name"])
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, media_type="image/png")

    async def set_lang(request: Request) -> Response:
        lang = request.query_params.get("to", "")
        back = request.query_params.get("next", "/")
        if not back.startswith("/") or back.startswith("//"):
            back = "/"
        response = RedirectResponse(back, status_code=303)
        if lang in texts.LANGUAGES:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400)
        return response

    async def job_status(request: Request) -> Response:
        job = web.job_or_404(request.path_params["job_id"])
        return JSONResponse(
            {
                "id": job.id,
                "kind": job.kind,
                "status": job.status,
                "step": job.step,
                "done": job.done,
                "total": job.total,
            }
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        return web.page(request, "error.html", status_code=status, status=status, detail=detail)

    async def internal(request: Request, exc: Exception) -> Response:
        log.error(
            Message.of("log.web.request_failed", path=request.url.path, kind=type(exc).__name__)
        )
        return web.page(request, "error.html", status_code=500, status=500, detail="")

    routes = [
        Route("/", home),
        Route("/new", new_plan, methods=["GET"]),
        Route("/audit", audit_form, methods=["GET"]),
        Route("/capacity", capacity_form, methods=["GET"]),
        Route("/submit/{kind}", submit, methods=["POST"]),
        Route("/jobs/{job_id}", job_page),
        Route("/jobs/{job_id}/progress", job_progress),
        Route("/jobs/{job_id}/status.json", job_status),
        Route("/jobs/{job_id}/cancel", cancel_job, methods=["POST"]),
        Route("/jobs/{job_id}/delete", delete_job, methods=["POST"]),
        Route("/jobs/{job_id}/files/{name:path}", download),
        Route("/jobs/{job_id}/then/{kind}", follow_on, methods=["POST"]),
        Route("/jobs/{job_id}/{folder}.zip", folder_zip),
        Route("/plans/{job_id}", plan_page),
        Route("/plans/{job_id}/map.json", plan_map),
        Route("/plans/{job_id}/assignments", plan_table),
        Route("/plans/{job_id}/calendars.zip", calendars_zip),
        Route("/plans/{job_id}/mentors/{mentor_id}", mentor_page),
        Route("/plans/{job_id}/programme", programme_page, methods=["GET"]),
        Route("/plans/{job_id}/programme", programme_submit, methods=["POST"]),
        Route("/geo/provinces.json", provinces),
        Route("/geo/regencies/{code}.json", regencies),
        Route("/help", help_redirect),
        Route("/help/", help_page),
        Route("/help/img/{name}", help_image),
        Route("/lang", set_lang),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                security.AccessMiddleware,
                access=web.access,
                csp=security.content_security_policy(web.config.web.tile_url),
            ),
            Middleware(GZipMiddleware, minimum_size=1000, compresslevel=6),
        ],
        exception_handlers={HTTPException: not_found, Exception: internal},
        lifespan=lifespan,
    )
    app.state.web = web
    return app


@dataclass(frozen=True)
class FormSpec:
    """A form that queues one kind of job: its page, its files, its own settings."""

    template: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    extra: Callable[[Mapping[str, str]], dict[str, Any]] = lambda _values: {}


def _audit_settings(values: Mapping[str, str]) -> dict[str, Any]:
    return {"compare": values.get("compare") == "on"}


def _scenario_settings(values: Mapping[str, str]) -> dict[str, Any]:
    """The chosen scenario file and grid lines, checked as the command line checks them."""
    from tkm_assign.scenarios.grid import parse_grid

    named = values.get("scenarios", "").strip()
    if named and named not in tasks.scenario_files():
        raise ConfigError(
            Message.of(
                "config.at",
                key="scenarios",
                text=Message.of(
                    "config.not_one_of",
                    value=repr(named),
                    choices=", ".join(tasks.scenario_files()),
                ),
            )
        )
    grid = [line.strip() for line in values.get("grid", "").splitlines() if line.strip()]
    for line in grid:
        parse_grid(line)
    if not named and not grid:
        raise ConfigError(Message.of("config.scenarios_nothing"))
    return {"scenarios": named, "grid": grid}


FORMS: Mapping[str, FormSpec] = {
    "plan": FormSpec("new_plan.html", ("participants", "mentors")),
    "audit": FormSpec(
        "audit.html", ("participants", "mentors", "assignments"), ("schedule",), _audit_settings
    ),
    "capacity": FormSpec("capacity.html", ("participants",), ("mentors",)),
    "scenarios": FormSpec("capacity.html", ("participants", "mentors"), (), _scenario_settings),
}


def _compressed(request: Request, raw: bytes, gzipped: bytes, media_type: str) -> Response:
    """Bytes compressed once, sent as they are to a browser that accepts gzip."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            gzipped,
            media_type=media_type,
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(raw, media_type=media_type)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


def _default_title(web: Web, inputs: Mapping[str, str | None]) -> str:
    upload_id = inputs.get("participants")
    upload = web.store.upload(upload_id) if upload_id else None
    return upload.file_name if upload else "plan"


def _uploads(web: Web, job: Job) -> dict[str, Any]:
    return {role: web.store.upload(upload_id) for role, upload_id in job.inputs.items()}


def _finished_plan(web: Web, request: Request) -> Job:
    job = web.job_or_404(request.path_params["job_id"], PLAN_KINDS)
    if job.status != "done":
        raise HTTPException(404)
    return job


def _mentors(web: Web, job: Job) -> list[dict[str, Any]]:
    path = tasks.page_dir(web.store, job.id) / pagedata.MENTORS_FILE
    rows: list[dict[str, Any]] = pagedata.read_json(path)
    return rows


def _table(web: Web, job: Job, name: str) -> pd.DataFrame:
    path = tasks.outputs_dir(web.store, job.id) / name
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _files(web: Web, job: Job) -> list[dict[str, Any]]:
    """Every output file of a job, by its path inside the output folder."""
    folder = tasks.outputs_dir(web.store, job.id)
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(folder).as_posix()
            files.append(
                {"name": name, "path": path, "size": path.stat().st_size, "url": quote(name)}
            )
    return files


def _mentor_file(web: Web, job: Job, mentor_id: str, folder: str, suffix: str) -> str | None:
    """The download name of a mentor's calendar, printable schedule or message, if one was
    written. The id is only compared with the names of the files that exist, never joined
    to a path."""
    wanted = f"{folder}/{mentor_id}{suffix}"
    return wanted if any(f["name"] == wanted for f in _files(web, job)) else None


def _mentor_message(web: Web, job: Job, mentor_id: str) -> str | None:
    """A re-plan's WhatsApp message to the mentor (``messages/<mentor_id>.txt``), if any."""
    name = _mentor_file(web, job, mentor_id, "messages", ".txt")
    if name is None:
        return None
    return (tasks.outputs_dir(web.store, job.id) / name).read_text(encoding="utf-8")


def _zipped(outputs: Path, folder: str, pattern: str) -> Response:
    """Every ``pattern`` file of ``outputs/folder`` as one zip (``folder`` is one of ours)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((outputs / folder).glob(pattern)):
            if path.is_file() and not path.is_symlink():
                archive.write(path, f"{folder}/{path.name}")
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{folder}.zip"'},
    )


def _refusal_text(refusal: Refused | None, lang: str) -> str:
    """A refused form's reason in the reader's language (the file role worded too)."""
    if refusal is None:
        return ""
    shown: dict[str, object] = dict(refusal.values)
    if "role" in shown:
        shown["role"] = texts.t(f"web.role.{shown['role']}", lang)
    return texts.filled(refusal.code, shown, lang)


def _programme_days(config: Config) -> tuple[dt.date, dt.date]:
    """The first and the last day of the programme."""
    first = config.programme.start_date
    return first, rules.add_months(first, config.programme.longest_months) - dt.timedelta(days=1)


def _as_of_error(code: str, **values: Any) -> ConfigError:
    """A refused as-of date, the field named as the form names it."""
    field = Message.of("config.setting", name=Message.of("web.programme.as_of"), key="as_of")
    return ConfigError(Message.of("config.at", key=field, text=Message.of(code, **values)))


def _checked_as_of(text: str, config: Config) -> dt.date:
    """The as-of date of the form: a date, not before the programme starts.

    A date after the programme's last day is kept: progress, re-plan and simulation clamp
    it to that day and say so in their warnings, as on the command line
    (:func:`tkm_assign.app.checked_as_of`).
    """
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _as_of_error("config.not_form_date", value=text.strip()) from None
    first, last = _programme_days(config)
    if day < first:
        raise _as_of_error(
            "config.as_of_before_programme",
            day=day.isoformat(),
            first=first.isoformat(),
            last=last.isoformat(),
        )
    return day
