"""Repository for service records: the one API that the console, the action, search and open data use.

    store = KnowledgeStore.from_url(url)            # or KnowledgeStore(sessionmaker)
    store.list_services(status=None)  -> list[ServiceSummary]   working copies, for the console list
    store.get(id)                     -> ServiceRecord | None   latest saved version (draft or published)
    store.get_published(id)           -> ServiceRecord | None   what citizens see (status="published")
    store.list_published()            -> list[ServiceRecord]    bot, search index, open data
    store.save_draft(record, author=, note=, expected_version=None) -> SaveResult(record, changed)
        new version only when the content changed; `expected_version` guards against two editors
        overwriting each other (raises ConflictError). The live copy stays as it was until publish.
    store.publish(id, author=, version=None) -> ServiceRecord     latest (or an older) version goes live
    store.unpublish(id, author=)      -> ServiceRecord             nothing of it is live any more
    store.history(id)                 -> list[VersionEntry]        newest first, full snapshots
    store.get_version(id, version)    -> VersionEntry | None
    store.import_records(records, author=, publish=False, note=) -> ImportReport   one transaction
    store.export_records(published_only=False) -> list[ServiceRecord]
    store.revision()                  -> Revision(number, changed_at)   one-row query; bumped by every
        publish/unpublish (and imports that publish) so long-lived processes poll it and reload.
    store.approve_questions(id, questions, author=, note=, publish=) -> Approval   the teaching loop:
        citizens' questions become versions of the record (`approved_questions`); see approve_questions.

Errors: NotFoundError (unknown id or version), ConflictError (stale expected_version), RecordError
(invalid content, from knowledge.record). Record status is "published" when the latest version is live and
"draft" otherwise; `ServiceSummary.published_version` says which version (if any) is live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from db.engine import begin_immediate, make_engine, make_sessionmaker
from knowledge.models import RevisionRow, ServiceRow, ServiceVersionRow, utcnow
from knowledge.record import ServiceRecord

# pg_advisory_xact_lock(int4, int4) serialising start-up seeding: "govb", "seed" in ASCII.
SEED_LOCK_KEYS = (0x676F7662, 0x73656564)


class NotFoundError(LookupError):
    """No service (or no such version of it)."""


class ConflictError(RuntimeError):
    """Someone saved a newer version since the editor opened the record."""


@dataclass(frozen=True)
class ServiceSummary:
    id: str
    title_th: str
    title_en: str
    agency: str
    status: str
    version: int
    published_version: int | None
    last_reviewed: dt.date | None
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ServicePage:
    """One page of the staff list: the rows plus what the filter form needs."""

    rows: list[ServiceSummary]
    total: int  # matching the filters
    all_services: int
    agencies: list[str]
    page: int
    pages: int


PAGE_SIZE = 100
MAX_QUERY_CHARS = 100
# Summary columns only: loading whole records (all Thai content) made a 2,000-service list take ~0.8 s.
_SUMMARY_COLUMNS = (
    ServiceRow.id,
    ServiceRow.title_th,
    ServiceRow.title_en,
    ServiceRow.agency,
    ServiceRow.status,
    ServiceRow.version,
    ServiceRow.published_version,
    ServiceRow.last_reviewed,
    ServiceRow.updated_at,
    ServiceRow.updated_by,
)


def _filtered(query: Select, *, status: str, agency: str, text: str) -> Select:
    """status: "draft" / "published" (the record's state) or "live" (has a published version)."""
    if status in ("draft", "published"):
        query = query.where(ServiceRow.status == status)
    elif status == "live":
        query = query.where(ServiceRow.published_version.is_not(None))
    if agency:
        query = query.where(ServiceRow.agency == agency)
    if text:
        query = query.where(
            ServiceRow.id.icontains(text, autoescape=True)
            | ServiceRow.title_th.icontains(text, autoescape=True)
            | ServiceRow.title_en.icontains(text, autoescape=True)
        )
    return query


@dataclass(frozen=True)
class VersionEntry:
    service_id: str
    version: int
    record: ServiceRecord
    created_at: dt.datetime
    created_by: str
    change_note: str
    published_at: dt.datetime | None
    published_by: str | None
    is_live: bool


@dataclass(frozen=True)
class SaveResult:
    record: ServiceRecord
    changed: bool


@dataclass(frozen=True)
class Revision:
    number: int
    changed_at: dt.datetime


@dataclass(frozen=True)
class Approval:
    """What approving questions for a service did: which were new, the working copy's version that holds
    them, and the live version that holds them (None when they wait for a reviewer to publish)."""

    service_id: str
    added: tuple[str, ...]
    version: int
    published_version: int | None


@dataclass
class ImportReport:
    created: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    published: list[str] = dataclasses.field(default_factory=list)


class KnowledgeStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @classmethod
    def from_url(cls, url: str) -> KnowledgeStore:
        return cls(make_sessionmaker(make_engine(url)))

    # -- reading -------------------------------------------------------------------------------------
    def list_services(self, status: str | None = None) -> list[ServiceSummary]:
        with self._sessions() as session:
            query = select(*_SUMMARY_COLUMNS).order_by(ServiceRow.id)
            if status is not None:
                query = query.where(ServiceRow.status == status)
            return [_summary(row) for row in session.execute(query)]

    def page_services(
        self, *, status: str = "", agency: str = "", text: str = "", page: int = 1, page_size: int = PAGE_SIZE
    ) -> ServicePage:
        """Filters and paging in SQL, for the staff console's list."""
        text = text.strip()[:MAX_QUERY_CHARS]
        with self._sessions() as session:
            base = _filtered(select(*_SUMMARY_COLUMNS), status=status, agency=agency, text=text)
            total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
            pages = max(1, -(-total // page_size))
            page = min(max(page, 1), pages)
            window = base.order_by(ServiceRow.id).limit(page_size).offset((page - 1) * page_size)
            rows = [_summary(row) for row in session.execute(window)]
            names = session.scalars(select(ServiceRow.agency).distinct().order_by(ServiceRow.agency))
            agencies = [name for name in names if name]
            all_services = session.scalar(select(func.count()).select_from(ServiceRow)) or 0
        return ServicePage(rows, total, all_services, agencies, page, pages)

    def get(self, service_id: str) -> ServiceRecord | None:
        with self._sessions() as session:
            row = session.get(ServiceRow, service_id)
            return _record_from_row(session, row) if row else None

    def get_published(self, service_id: str) -> ServiceRecord | None:
        with self._sessions() as session:
            query = (
                select(ServiceVersionRow)
                .join(ServiceRow, ServiceRow.id == ServiceVersionRow.service_id)
                .where(ServiceRow.id == service_id, ServiceVersionRow.version == ServiceRow.published_version)
            )
            ver = session.scalars(query).first()
            return _snapshot_record(ver, "published") if ver else None

    def list_published(self) -> list[ServiceRecord]:
        with self._sessions() as session:
            query = (
                select(ServiceVersionRow)
                .join(ServiceRow, ServiceRow.id == ServiceVersionRow.service_id)
                .where(ServiceVersionRow.version == ServiceRow.published_version)
                .order_by(ServiceRow.id)
            )
            return [_snapshot_record(ver, "published") for ver in session.scalars(query)]

    def history(self, service_id: str) -> list[VersionEntry]:
        with self._sessions() as session:
            row = session.get(ServiceRow, service_id)
            if row is None:
                raise NotFoundError(service_id)
            query = (
                select(ServiceVersionRow)
                .where(ServiceVersionRow.service_id == service_id)
                .order_by(ServiceVersionRow.version.desc())
            )
            return [_entry(ver, row.published_version) for ver in session.scalars(query)]

    def get_version(self, service_id: str, version: int) -> VersionEntry | None:
        with self._sessions() as session:
            row = session.get(ServiceRow, service_id)
            if row is None:
                return None
            ver = _version_row(session, service_id, version)
            return _entry(ver, row.published_version) if ver else None

    def revision(self) -> Revision:
        with self._sessions() as session:
            row = session.get(RevisionRow, 1)
            if row is None:
                return Revision(0, dt.datetime.fromtimestamp(0, dt.UTC))
            return Revision(row.revision, _aware(row.changed_at))

    def export_records(self, *, published_only: bool = False) -> list[ServiceRecord]:
        if published_only:
            return self.list_published()
        with self._sessions() as session:
            query = (
                select(ServiceRow, ServiceVersionRow.snapshot)
                .outerjoin(
                    ServiceVersionRow,
                    (ServiceVersionRow.service_id == ServiceRow.id)
                    & (ServiceVersionRow.version == ServiceRow.version),
                )
                .order_by(ServiceRow.id)
            )
            return [_record_from_row(session, row, snap or {}) for row, snap in session.execute(query)]

    # -- writing -------------------------------------------------------------------------------------
    def save_draft(
        self,
        record: ServiceRecord,
        *,
        author: str,
        note: str = "",
        expected_version: int | None = None,
    ) -> SaveResult:
        with self._sessions.begin() as session:
            return _save(session, record, author=author, note=note, expected_version=expected_version)

    def publish(self, service_id: str, *, author: str, version: int | None = None) -> ServiceRecord:
        with self._sessions.begin() as session:
            return _publish(session, service_id, author=author, version=version)

    def approve_questions(
        self, service_id: str, questions: Iterable[str], *, author: str, note: str, publish: bool
    ) -> Approval:
        with self._sessions.begin() as session:
            return approve_questions(
                session, service_id, questions, author=author, note=note, publish=publish
            )

    def unpublish(self, service_id: str, *, author: str) -> ServiceRecord:
        with self._sessions.begin() as session:
            row = _locked_row(session, service_id)
            if row is None:
                raise NotFoundError(service_id)
            row.published_version = None
            row.status = "draft"
            row.updated_at = utcnow()
            row.updated_by = author
            _bump_revision(session)
            return _record_from_row(session, row)

    def import_records(
        self,
        records: Iterable[ServiceRecord],
        *,
        author: str,
        publish: bool = False,
        note: str = "import",
    ) -> ImportReport:
        """All records in one transaction: a bad batch changes nothing."""
        report = ImportReport()
        with self._sessions.begin() as session:
            _import_in(session, records, report, author=author, publish=publish, note=note)
        return report

    def import_missing(
        self, records: Iterable[ServiceRecord], *, author: str, publish: bool = False, note: str = "import"
    ) -> ImportReport:
        """The records whose id the store has never had, in one transaction; the others are reported
        unchanged and left exactly as they are. Several action servers starting on an empty database at
        once each call this: the transaction is serialised first (a PostgreSQL advisory lock, SQLite's
        write lock), and the ids are read inside it, so the second finds the first's rows and adds
        nothing instead of stopping on a duplicate key."""
        report = ImportReport()
        with self._sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(*SEED_LOCK_KEYS)))
            else:
                begin_immediate(session)
            known = set(session.scalars(select(ServiceRow.id)))
            records = list(records)
            report.unchanged.extend(r.id for r in records if r.id in known)
            missing = [r for r in records if r.id not in known]
            _import_in(session, missing, report, author=author, publish=publish, note=note)
        return report


def _import_in(
    session: Session,
    records: Iterable[ServiceRecord],
    report: ImportReport,
    *,
    author: str,
    publish: bool,
    note: str,
) -> None:
    for record in records:
        existed = session.get(ServiceRow, record.id) is not None
        result = _save(session, record, author=author, note=note, expected_version=None)
        if not result.changed:
            report.unchanged.append(record.id)
        elif existed:
            report.updated.append(record.id)
        else:
            report.created.append(record.id)
        row = session.get(ServiceRow, record.id)
        assert row is not None
        if publish and row.published_version != row.version:
            _publish(session, record.id, author=author, version=None)
            report.published.append(record.id)


# -- transaction helpers (operate inside a caller's transaction) -------------------------------------
def _save(
    session: Session, record: ServiceRecord, *, author: str, note: str, expected_version: int | None
) -> SaveResult:
    row = _locked_row(session, record.id)
    if row is not None and expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"{record.id}: saved as version {row.version} since you opened version {expected_version}"
        )
    new_hash = record.content_hash()
    if row is not None and row.content_hash == new_hash:
        return SaveResult(_record_from_row(session, row), changed=False)
    now = utcnow()
    if row is None:
        row = ServiceRow(id=record.id, version=0, published_version=None, created_at=now)
        session.add(row)
    version = row.version + 1
    _apply_content(row, record)
    row.version = version
    row.status = "draft"
    row.content_hash = new_hash
    row.updated_at = now
    row.updated_by = author
    saved = record.with_meta(status="draft", version=version)
    session.add(
        ServiceVersionRow(
            service_id=record.id,
            version=version,
            snapshot=saved.to_dict(),
            content_hash=new_hash,
            created_at=now,
            created_by=author,
            change_note=note,
        )
    )
    session.flush()
    return SaveResult(saved, changed=True)


def _publish(session: Session, service_id: str, *, author: str, version: int | None) -> ServiceRecord:
    row = _locked_row(session, service_id)
    if row is None:
        raise NotFoundError(service_id)
    target = row.version if version is None else version
    ver = _version_row(session, service_id, target)
    if ver is None:
        raise NotFoundError(f"{service_id} version {target}")
    now = utcnow()
    ver.published_at = now
    ver.published_by = author
    row.published_version = target
    row.status = "published" if target == row.version else "draft"
    row.updated_at = now
    row.updated_by = author
    _bump_revision(session)
    return _snapshot_record(ver, "published")


def save_draft_in(
    session: Session, record: ServiceRecord, *, author: str, note: str, expected_version: int | None
) -> SaveResult:
    """KnowledgeStore.save_draft inside the caller's transaction (the teaching loop's new draft)."""
    return _save(session, record, author=author, note=note, expected_version=expected_version)


def approve_questions(
    session: Session, service_id: str, questions: Iterable[str], *, author: str, note: str, publish: bool
) -> Approval:
    """Add citizens' questions to a record's `approved_questions` as a new version, inside the caller's
    transaction (the teaching loop writes its queue rows and audit entry in the same one).

    publish=False (an editor): a draft version that a reviewer publishes as usual. publish=True (a
    reviewer): live at once, so the running bot's search finds the service for them within its refresh
    interval. When another edit is waiting as a draft, that draft is not published along: the live
    version plus the questions is published, then the draft plus the questions is saved on top, so the
    pending edit stays a draft and keeps the questions.
    """
    row = _locked_row(session, service_id)
    if row is None:
        raise NotFoundError(service_id)
    wanted = tuple(dict.fromkeys(q.strip() for q in questions if q and q.strip()))
    working = _record_from_row(session, row)
    added = tuple(q for q in wanted if q not in working.approved_questions)
    if not publish:
        if added:
            saved = _save(
                session, _with_questions(working, added), author=author, note=note, expected_version=None
            )
            return Approval(service_id, added, saved.record.version, row.published_version)
        return Approval(service_id, (), row.version, row.published_version)
    live_version = row.published_version
    if live_version is None:
        raise NotFoundError(f"{service_id} is not published")
    ver = _version_row(session, service_id, live_version)
    assert ver is not None
    live = _snapshot_record(ver, "published")
    live_added = tuple(q for q in wanted if q not in live.approved_questions)
    if live_version == row.version:
        if added:
            _save(session, _with_questions(working, added), author=author, note=note, expected_version=None)
            _publish(session, service_id, author=author, version=None)
        return Approval(service_id, added, row.version, row.published_version)
    if live_added:
        saved = _save(
            session, _with_questions(live, live_added), author=author, note=note, expected_version=None
        )
        _publish(session, service_id, author=author, version=saved.record.version)
    if added:
        _save(session, _with_questions(working, added), author=author, note=note, expected_version=None)
    return Approval(service_id, added or live_added, row.version, row.published_version)


def _with_questions(record: ServiceRecord, questions: tuple[str, ...]) -> ServiceRecord:
    return dataclasses.replace(record, approved_questions=(*record.approved_questions, *questions))


def bump_revision(session: Session) -> None:
    """Tell long-lived processes that what citizens get changed (inside the caller's transaction): the
    teaching loop's out-of-scope referrals live beside the records and reload on the same counter."""
    _bump_revision(session)


def _bump_revision(session: Session) -> None:
    now = utcnow()
    result = session.execute(
        update(RevisionRow)
        .where(RevisionRow.id == 1)
        .values(revision=RevisionRow.revision + 1, changed_at=now)
    )
    if getattr(result, "rowcount", 0) == 0:
        session.add(RevisionRow(id=1, revision=1, changed_at=now))
    session.flush()


def _locked_row(session: Session, service_id: str) -> ServiceRow | None:
    return session.scalars(select(ServiceRow).where(ServiceRow.id == service_id).with_for_update()).first()


def _version_row(session: Session, service_id: str, version: int) -> ServiceVersionRow | None:
    query = select(ServiceVersionRow).where(
        ServiceVersionRow.service_id == service_id, ServiceVersionRow.version == version
    )
    return session.scalars(query).first()


_CONTENT_COLUMNS = [
    "title_th",
    "title_en",
    "agency",
    "agency_level",
    "description",
    "eligibility",
    "documents",
    "fees",
    "processing_time",
    "processing_time_to_confirm",
    "where_to_apply",
    "office_hours",
    "legal_basis",
    "faqs",
    "synonyms",
    "source",
]
# Fields added after the table was designed live only in the version snapshots (JSON), which always hold
# the working copy as the row's latest `version`; no column, no migration.
_SNAPSHOT_ONLY_FIELDS = ("short_th", "benefits", "english", "verified", "approved_questions")


def _apply_content(row: ServiceRow, record: ServiceRecord) -> None:
    data = record.to_dict()
    for name in _CONTENT_COLUMNS:
        setattr(row, name, data[name])
    row.last_reviewed = record.last_reviewed


def _record_from_row(
    session: Session, row: ServiceRow, snapshot: dict[str, Any] | None = None
) -> ServiceRecord:
    data = {name: getattr(row, name) for name in _CONTENT_COLUMNS}
    data.update(id=row.id, last_reviewed=row.last_reviewed, status=row.status, version=row.version)
    if snapshot is None:
        ver = _version_row(session, row.id, row.version)
        snapshot = ver.snapshot if ver else {}
    data.update({name: snapshot[name] for name in _SNAPSHOT_ONLY_FIELDS if name in snapshot})
    return ServiceRecord.from_dict(data)


def _snapshot_record(ver: ServiceVersionRow, status: str) -> ServiceRecord:
    return ServiceRecord.from_dict({**ver.snapshot, "status": status, "version": ver.version})


def _entry(ver: ServiceVersionRow, live_version: int | None) -> VersionEntry:
    return VersionEntry(
        service_id=ver.service_id,
        version=ver.version,
        record=ServiceRecord.from_dict({**ver.snapshot, "version": ver.version}),
        created_at=_aware(ver.created_at),
        created_by=ver.created_by,
        change_note=ver.change_note,
        published_at=_aware(ver.published_at) if ver.published_at else None,
        published_by=ver.published_by,
        is_live=ver.version == live_version,
    )


def _summary(row: Any) -> ServiceSummary:
    """From a ServiceRow or a result row of _SUMMARY_COLUMNS (same attribute names)."""
    return ServiceSummary(
        id=row.id,
        title_th=row.title_th,
        title_en=row.title_en,
        agency=row.agency,
        status=row.status,
        version=row.version,
        published_version=row.published_version,
        last_reviewed=row.last_reviewed,
        updated_at=_aware(row.updated_at),
        updated_by=row.updated_by,
    )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
