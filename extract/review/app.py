"""The review web app (Starlette): the queue, the report page, cell crops, and the two
state-changing requests (a decision on a cell, a report marked reviewed).

Security: the server binds to loopback by default; the Host header must name the address
served (no DNS rebinding); every POST needs the session token embedded in the page (sent as
the `X-Review-Token` header, so a form on another site cannot forge it and a cross-site
script cannot read it), an Origin, when sent, equal to the Host, and a JSON body. Pages
forbid framing and any script, style or image from elsewhere (CSP).
"""

from __future__ import annotations

import hmac
import json
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..checks.reviewer_input import InvalidInput, blank_allowed, cell_kind, parse_note, parse_reviewer_value
from ..show import crops
from . import actions, data, pages
from . import queue as review_queue

TOKEN_HEADER = "x-review-token"
_SHA = "{sha:str}"
_FIRST = "{first:page}"
# A POST body larger than this is refused before it is parsed (a decision is a few hundred bytes).
MAX_BODY_BYTES = 64 * 1024
# Page numbers, ids and other integers in a path or query: 0 <= n <= this (SQLite's INTEGER
# holds 2^63 - 1; a larger number would raise OverflowError in the driver).
MAX_PARAM_INT = 2**31 - 1
_STATIC = Path(__file__).parent / "static"
_SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
     b" base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),  # no other site may embed a crop
    (b"cache-control", b"no-store"),
]


class _PageConvertor(Convertor):
    """A page number in a path: 1 to 9 ASCII digits (a longer number is no route: 404)."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("page", _PageConvertor())


def int_param(request: Request, name: str, default: int, *, low: int = 0, high: int = MAX_PARAM_INT) -> int:
    """An integer query parameter within [low, high], else HTTP 400 (never an OverflowError
    in SQLite). For routes that take a page number, an offset or an id in the query."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > 12 or not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise HTTPException(400, f"参数 {name} 应为 {low} 到 {high} 之间的整数 · {name} must be an integer from {low} to {high}")
    return int(raw)


def _error_json(zh: str, en: str, status_code: int) -> JSONResponse:
    """An error answer the page shows as it is: Chinese and English."""
    return JSONResponse({"error": f"{zh} · {en}", "error_zh": zh, "error_en": en}, status_code=status_code)


def _with_security_headers(response: Response) -> Response:
    for name, value in _SECURITY_HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    """An unexpected failure: a 500 that carries the security headers too (Starlette answers
    it outside every middleware)."""
    return _with_security_headers(PlainTextResponse("内部错误 · internal error", status_code=500))


# Starlette's own error phrases, in both languages as every message the reviewer sees.
_HTTP_PHRASES = {"Not Found": "未找到 · not found", "Method Not Allowed": "不支持此请求方法 · method not allowed",
                 "Bad Request": "请求无效 · bad request"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = _HTTP_PHRASES.get(str(exc.detail), str(exc.detail))
    return _with_security_headers(PlainTextResponse(detail, status_code=exc.status_code,
                                                    headers=dict(exc.headers or {})))


class _SecurityHeaders:
    """Adds the headers above to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in _SECURITY_HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class ReviewConfig:
    database: Path
    reviewer: str
    token: str
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "::1")


@dataclass
class _Sources:
    """Source files found per document, and the open `DocumentCrops` of the last few
    documents. A document's file is its stored path when that file still has its sha256;
    else the file with that sha256 under the folders of the batch's documents, from an index
    of their contents hashed once per session (a moved archive is hashed once, not once per
    report). Rendering is serialised: pdfium is not thread-safe."""

    found: dict[str, Path] = field(default_factory=dict)
    by_content: Optional[dict[str, Path]] = None
    folders: tuple[str, ...] = ()
    open: "OrderedDict[str, crops.DocumentCrops]" = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    index_lock: threading.Lock = field(default_factory=threading.Lock)

    def locate(self, db: sqlite3.Connection, sha: str, path: str) -> tuple[Optional[Path], str]:
        """The source file, or None and why not. Its presence is checked on every call: a
        file moved or deleted while the app runs is looked for again, never served from a
        document still open."""
        if sha in self.found:
            if self.found[sha].is_file():
                return self.found[sha], ""
            self._forget(sha)
        try:
            self.found[sha] = crops.find_source(path, sha)
            return self.found[sha], ""
        except crops.CropError as exc:
            reason = exc.reason
        found = self._index(db).get(sha)
        if found is not None and found.is_file():
            self.found[sha] = found
            return found, ""
        return None, f"{reason}; nor by its sha256 under {', '.join(self.folders) or 'the batch folders'}"

    def _forget(self, sha: str) -> None:
        """A source that is no longer where it was: dropped, its open document closed, and
        the index of the folders' contents made again on the next look (it may have moved
        within them)."""
        self.found.pop(sha, None)
        with self.lock:
            document = self.open.pop(sha, None)
            if document is not None:
                document.close()
        with self.index_lock:
            self.by_content = None

    def _index(self, db: sqlite3.Connection) -> dict[str, Path]:
        from ..files import sha256_file
        from ..read.images import IMAGE_SUFFIXES

        with self.index_lock:
            if self.by_content is None:
                parents = {Path(p).parent for (p,) in db.execute("SELECT path FROM documents")}
                self.folders = tuple(sorted(str(f) for f in parents if f.is_dir()))
                suffixes = {".pdf", ".ofd", *IMAGE_SUFFIXES}
                index: dict[str, Path] = {}
                for folder in self.folders:
                    for candidate in sorted(Path(folder).rglob("*")):
                        if candidate.suffix.lower() in suffixes and candidate.is_file():
                            try:
                                index.setdefault(sha256_file(candidate), candidate)
                            except OSError:
                                continue  # unreadable: not a source we can use
                self.by_content = index
            return self.by_content

    def crop_png(self, sha: str, source: Path, page: int, bbox, table_corner=None) -> bytes:
        with self.lock:
            document = self.open.get(sha)
            if document is None:
                document = crops.DocumentCrops(source)
                self.open[sha] = document
                while len(self.open) > 3:
                    self.open.popitem(last=False)[1].close()
            self.open.move_to_end(sha)
            if table_corner is not None:
                return document.context_png(page, bbox, table_corner)
            return document.crop_png(page, bbox)


def create_app(config: ReviewConfig) -> Starlette:
    env = Environment(loader=PackageLoader("extract.review", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["kind_words"] = pages.kind_words  # every page names a report's kind in both languages
    sources = _Sources()

    def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("token", config.token)
        context.setdefault("reviewer", config.reviewer)
        return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)

    def not_found(what: str) -> HTMLResponse:
        return render("error.html", status_code=404, message=what)

    def source_of(db: sqlite3.Connection, report: data.ReportData) -> dict[str, Any]:
        path, reason = sources.locate(db, report.row["sha256"], report.row["path"])
        return {"found": path is not None, "path": str(path) if path else report.row["path"], "reason": reason}

    def report_state(db: sqlite3.Connection, sha: str, first: int) -> Optional[dict[str, Any]]:
        report = data.load_report(db, sha, first)
        if report is None:
            return None
        return pages.state(report, source_of(db, report))

    # The review session: undo takes back this reviewer's decisions made since the app started.
    with _connection(config) as db:
        session_start_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM corrections").fetchone()[0]
        review_queue.rebuild(db)  # the queue's summary, whatever changed the file meanwhile

    def queue_filter(request: Request) -> review_queue.QueueFilter:
        try:
            return review_queue.QueueFilter.from_params(request.query_params)
        except review_queue.InvalidFilter as exc:
            raise HTTPException(400, str(exc)) from None

    def report_url(key: Optional[tuple[str, int]], chosen: review_queue.QueueFilter) -> Optional[str]:
        return f"/report/{key[0]}/{key[1]}{chosen.query()}" if key else None

    def queue_page(request: Request) -> Response:
        chosen = queue_filter(request)
        number = int_param(request, "page", 1, low=1)
        with _connection(config) as db:
            shown = review_queue.page(db, chosen, number)
            bulk_rules = review_queue.rules_present(db)
        return render("queue.html", page=shown, items=shown.items, filter=chosen, bulk_rules=bulk_rules,
                      statuses=review_queue.STATUS_LABELS, templates=review_queue.TEMPLATES,
                      causes=review_queue.CAUSES, sorts=review_queue.SORT_LABELS, database=str(config.database))

    def report_page(request: Request) -> Response:
        sha, first = request.path_params["sha"], request.path_params["first"]
        chosen = queue_filter(request)
        with _connection(config) as db:
            report = data.load_report(db, sha, first)
            if report is None:
                return not_found("没有这个报告 · no such report")
            view = pages.state(report, source_of(db, report))
            here = review_queue.place(db, chosen, sha, first)
        back_page = None if here.position is None else (here.position - 1) // review_queue.PER_PAGE + 1
        queue_nav = {
            "position": here.position, "count": here.count, "filtered": chosen.active,
            "previous_url": report_url(here.previous, chosen), "following_url": report_url(here.next, chosen),
            "back_url": "/" + chosen.query(page=back_page if back_page and back_page > 1 else None),
        }
        return render("report.html", state=view, layouts=pages.layouts(report), sections=pages.sections(report),
                      next_url=report_url(here.next_open, chosen), queue_nav=queue_nav)

    def crop(request: Request) -> Response:
        sha, first, key = (request.path_params[k] for k in ("sha", "first", "key"))
        with _connection(config) as db:
            row = db.execute("SELECT c.page, c.bbox, d.path FROM cells c JOIN documents d USING (sha256)"
                             " WHERE c.sha256 = ? AND c.first_page = ? AND c.key = ?", (sha, first, key)).fetchone()
            if row is None or row["page"] is None or not row["bbox"]:
                return PlainTextResponse("此格未印刷，没有图像 · no printed cell there", status_code=404)
            source, reason = sources.locate(db, sha, row["path"])
            table_corner = crop_context(db, sha, first, key, row["page"]) if int_param(request, "context", 0, high=1) else None
        if source is None:
            return PlainTextResponse(f"原件未找到（已移动或删除），无法显示单元格图像 · source file not found"
                                     f" (moved or deleted), no cell image: {reason}", status_code=404)
        try:
            png = sources.crop_png(sha, source, row["page"], json.loads(row["bbox"]), table_corner)
        except (crops.CropError, ValueError) as exc:
            return PlainTextResponse(f"无法裁切单元格图像 · cannot cut the cell image: {exc}", status_code=404)
        return Response(png, media_type="image/png")

    def cell_rules(request: Request) -> Response:
        sha, first, key = (request.path_params[k] for k in ("sha", "first", "key"))
        with _connection(config) as db:
            report = data.load_report(db, sha, first)
        if report is None or key not in report.cell_keys():
            return _error_json("没有这个报告或单元格", "no such report or cell", 404)
        return JSONResponse(pages.cell_rules(report, key))

    async def decide(request: Request) -> Response:
        body = await _checked_body(request, config)
        if isinstance(body, Response):
            return body
        sha, first, key = (request.path_params[k] for k in ("sha", "first", "key"))
        action = body.get("action")
        try:
            note = parse_note(body.get("note"))
        except InvalidInput as exc:
            return _error_json(exc.zh, exc.en, 400)
        if action not in ("accept", "correct"):
            return _error_json("action 应为 accept 或 correct", "action must be accept or correct", 400)
        raw = body.get("value") if action == "correct" else None
        return await _in_thread(_decide, config, report_state, sha, first, key, action == "accept", raw, note)

    async def reviewed(request: Request) -> Response:
        body = await _checked_body(request, config)
        if isinstance(body, Response):
            return body
        sha, first = request.path_params["sha"], request.path_params["first"]
        mark, confirm = body.get("reviewed", True), body.get("confirm", False)
        if not isinstance(mark, bool) or not isinstance(confirm, bool):
            return _error_json("reviewed 与 confirm 应为 true 或 false", "reviewed and confirm must be true or false", 400)
        return await _in_thread(_mark, config, report_state, sha, first, mark, confirm)

    async def undo(request: Request) -> Response:
        body = await _checked_body(request, config)
        if isinstance(body, Response):
            return body
        return await _in_thread(_undo, config, report_state, session_start_id)

    async def bulk(request: Request) -> Response:
        body = await _checked_body(request, config)
        if isinstance(body, Response):
            return body
        params = body.get("filter", {})
        rule, confirm = body.get("rule"), body.get("confirm", False)
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            return _error_json("filter 应为参数对象", "filter must be an object of query parameters", 400)
        if not isinstance(rule, str) or not review_queue._RULE.fullmatch(rule) or not isinstance(confirm, bool):
            return _error_json("rule 不是规则编号", "rule must be a rule id, confirm true or false", 400)
        try:
            chosen = review_queue.QueueFilter.from_params(params)
            note = parse_note(body.get("note"))
        except review_queue.InvalidFilter as exc:
            return _error_json(exc.zh, exc.en, 400)
        except InvalidInput as exc:
            return _error_json(exc.zh, exc.en, 400)
        return await _in_thread(_bulk, config, chosen, rule, confirm, note)

    routes = [
        Route("/", queue_page),
        Route(f"/report/{_SHA}/{_FIRST}", report_page),
        Route(f"/crop/{_SHA}/{_FIRST}/{{key:str}}", crop),
        Route(f"/report/{_SHA}/{_FIRST}/cells/{{key:str}}", cell_rules, methods=["GET"]),
        Route(f"/report/{_SHA}/{_FIRST}/cells/{{key:str}}", decide, methods=["POST"]),
        Route(f"/report/{_SHA}/{_FIRST}/reviewed", reviewed, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]),
        Route("/bulk-accept", bulk, methods=["POST"]),
        Mount("/static", StaticFiles(directory=_STATIC), name="static"),
    ]
    middleware = [Middleware(_SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={Exception: _server_error, HTTPException: _http_error})


class _connection:
    """One SQLite connection for one request, closed after it."""

    def __init__(self, config: ReviewConfig):
        self.db = data.connect(config.database)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc) -> None:
        self.db.close()


def _refuse(request: Request, config: ReviewConfig) -> Optional[Response]:
    """Why a state-changing request is refused, or None: a missing or wrong session token,
    an Origin other than this server, or a body that is not JSON."""
    token = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(token.encode(), config.token.encode()):
        return _error_json("会话令牌缺失或错误：请重新加载页面", "missing or wrong session token: reload the page", 403)
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        return _error_json("请求来自其他来源", "request from another origin", 403)
    if not request.headers.get("content-type", "").startswith("application/json"):
        return _error_json("请求内容应为 JSON", "expected a JSON body", 415)
    return None


async def _checked_body(request: Request, config: ReviewConfig) -> "dict | Response":
    """A writing request's JSON body, once its token, Origin and Host passed (else the
    refusal)."""
    refused = _refuse(request, config)
    if refused:
        return refused
    return await _json_body(request)


async def _json_body(request: Request) -> "dict | Response":
    """The request's JSON object, or the error answer: 413 for a body over MAX_BODY_BYTES
    (read no further), 400 for anything but a JSON object (a number too long for Python's
    int is a ValueError too)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and len(declared) < 20 and int(declared) > MAX_BODY_BYTES:
        return _error_json("请求过大", f"request body too large (over {MAX_BODY_BYTES} bytes)", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return _error_json("请求过大", f"request body too large (over {MAX_BODY_BYTES} bytes)", 413)
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        return _error_json("请求内容不是 JSON 对象", "the request body is not a JSON object", 400)
    return body


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


async def _in_thread(function, *args) -> Response:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def _database_error(exc: sqlite3.DatabaseError) -> JSONResponse:
    from ..batch.store import database_error_reason

    return _error_json("数据库暂不可用", database_error_reason(exc), 503)


def _decide(config: ReviewConfig, report_state, sha: str, first: int, key: str, accept: bool, raw, note) -> Response:
    with _connection(config) as db:
        value = None
        if not accept:
            report = data.load_report(db, sha, first)
            if report is None or key not in report.cell_keys():
                return _error_json("没有这个报告或单元格", "no such report or cell", 404)
            indicator = next((i for i in report.indicators if i.cell == key), None)
            read = report.cells.get(key, {}).get("read")
            try:
                value = parse_reviewer_value(raw, cell_kind(key, indicator.unit if indicator else None),
                                             allow_blank=blank_allowed(key, pre2019=report.pre2019, read=read))
            except InvalidInput as exc:
                return _error_json(exc.zh, exc.en, 400)
        try:
            decision = data.decide_cell(db, sha, first, key, value, accept=accept, reviewer=config.reviewer, note=note)
        except (data.UnknownReport, KeyError):
            return _error_json("没有这个报告或单元格", "no such report or cell", 404)
        except sqlite3.DatabaseError as exc:
            return _database_error(exc)
        return JSONResponse({"decision": pages.decision_json(decision), "state": report_state(db, sha, first)})


def _mark(config: ReviewConfig, report_state, sha: str, first: int, mark: bool, confirm: bool) -> Response:
    """Sign a report off (`mark`) or take the sign-off back. A report with errors still open
    is signed off only with `confirm` (409 otherwise: the page asks the reviewer first)."""
    with _connection(config) as db:
        try:
            if mark and not confirm:
                errors = actions.open_errors(db, sha, first)
                if errors:
                    return _error_json(f"报告仍有 {errors} 个错误未解决：确认后才能标记为已审核",
                                       f"the report still has {errors} errors open: confirm to mark it reviewed", 409)
            actions.set_reviewed(db, sha, first, config.reviewer if mark else None)
        except data.UnknownReport:
            return _error_json("没有这个报告", "no such report", 404)
        except sqlite3.DatabaseError as exc:
            return _database_error(exc)
        return JSONResponse({"state": report_state(db, sha, first)})


def _undo(config: ReviewConfig, report_state, session_start_id: int) -> Response:
    """Take back this reviewer's last decision of the session; the report's new state."""
    with _connection(config) as db:
        try:
            undone = actions.undo_last(db, config.reviewer, after_id=session_start_id)
        except data.UnknownReport:
            return _error_json("该决定所属的报告已不在数据库中", "the report of that decision is no longer in the database", 404)
        except sqlite3.DatabaseError as exc:
            return _database_error(exc)
        if undone is None:
            return _error_json("本次会话没有可撤销的决定", "nothing to undo in this session", 409)
        return JSONResponse({
            "undone": {"id": undone.undone_id, "undo_id": undone.undo_id, "key": undone.key,
                       "sha256": undone.sha256, "first_page": undone.first_page,
                       "before": undone.value_before_undo, "now": undone.value_now,
                       "url": f"/report/{undone.sha256}/{undone.first_page}"},
            "state": report_state(db, undone.sha256, undone.first_page)})


def _bulk(config: ReviewConfig, chosen: "review_queue.QueueFilter", rule: str, confirm: bool, note) -> Response:
    """How many cells and reports a bulk accept would decide (without `confirm`), or do it."""
    with _connection(config) as db:
        try:
            if not confirm:
                result = actions.bulk_preview(db, chosen, rule)
            else:
                result = actions.bulk_accept(db, chosen, rule, reviewer=config.reviewer, note=note)
        except sqlite3.DatabaseError as exc:
            return _database_error(exc)
        return JSONResponse({"rule": result.rule, "cells": result.cells, "reports": result.reports, "done": confirm})


def crop_context(db: sqlite3.Connection, sha: str, first: int, key: str, page: int) -> Optional[tuple[float, float]]:
    """Where the cell's table starts on its page: the left edge and top (points, top-left
    origin) of the value cells of the same table there; the row labels print left of it and
    the column headers above it."""
    row = db.execute(
        "SELECT MIN(json_extract(bbox, '$[0]')), MIN(json_extract(bbox, '$[1]')) FROM cells"
        " WHERE sha256 = ? AND first_page = ? AND page = ? AND table_name = (SELECT table_name FROM cells"
        " WHERE sha256 = ? AND first_page = ? AND key = ?) AND bbox IS NOT NULL AND bbox != 'null'",
        (sha, first, page, sha, first, key)).fetchone()
    return (float(row[0]), float(row[1])) if row and row[0] is not None else None
