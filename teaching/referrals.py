"""Taught referrals: questions a reviewer marked "out of scope, refer to <agency>" send alike questions
to that agency, with its hotline from knowledge/agencies.yml.

`TaughtReferrals.refer(text)` returns the same `knowledge.agencies.Referral` the directory's own topic
phrases give, so a caller treats both alike: the nearest taught question (TF-IDF cosine,
`teaching.similarity`) at or above `threshold` names the agency. `LiveReferrals` keeps them current in
a long-lived process the way `knowledge.search.LiveIndex` keeps the index: it re-reads the decided rows
when the knowledge revision counter moves (an out-of-scope decision bumps it), checked at most every
`check_every` seconds. Blocking: call from a worker thread in async code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.unanswered_models import UnansweredMessage
from knowledge.agencies import AgencyDirectory, Referral
from knowledge.models import RevisionRow
from teaching.similarity import Vectors

# A new question must be about as close to a taught one as the questions of one queue group are.
REFER_THRESHOLD = 0.5
WHY_TH = "เรื่องนี้อยู่ในความดูแลของหน่วยงานนี้ (เจ้าหน้าที่ยืนยันจากคำถามที่คล้ายกัน)"


def answer_th(referral: Referral) -> str:
    """The bot's line for a taught referral: not covered here, go to the agency (and its hotline)."""
    contact = f" โทร {referral.hotline}" if referral.hotline else ""
    site = f" หรือ {referral.website}" if referral.website else ""
    return f"เรื่องนี้ไม่ได้อยู่ในบริการที่ตอบได้ที่นี่ กรุณาติดต่อ{referral.name}{contact}{site}"


class TaughtReferrals:
    def __init__(
        self,
        examples: Sequence[tuple[str, str]],
        directory: AgencyDirectory,
        *,
        threshold: float = REFER_THRESHOLD,
    ) -> None:
        """`examples`: (masked question, agency id); agencies the directory no longer has are left out."""
        kept = [(text, agency) for text, agency in examples if directory.get(agency) is not None]
        self._directory = directory
        self._agencies = [agency for _, agency in kept]
        self._texts = [text for text, _ in kept]
        self._vectors = Vectors.fit(self._texts) if kept else None
        self.threshold = threshold

    def __len__(self) -> int:
        return len(self._texts)

    @classmethod
    def load(cls, session: Session, directory: AgencyDirectory) -> TaughtReferrals:
        query = (
            select(UnansweredMessage.masked_text, UnansweredMessage.review_target)
            .where(
                UnansweredMessage.review_decision == "out_of_scope",
                UnansweredMessage.review_target.is_not(None),
            )
            .order_by(UnansweredMessage.id)
        )
        return cls([(text, str(agency)) for text, agency in session.execute(query)], directory)

    def examples(self) -> list[tuple[str, str]]:
        return list(zip(self._texts, self._agencies, strict=True))

    def refer(self, text: str) -> Referral | None:
        if self._vectors is None or not text.strip():
            return None
        query = self._vectors.transform([text])[0]
        if not query.any():
            return None
        cosines = self._vectors.matrix @ query
        best = int(np.argmax(cosines))
        if float(cosines[best]) < self.threshold:
            return None
        agency = self._directory.get(self._agencies[best])
        assert agency is not None  # kept only agencies the directory has
        return Referral(agency=agency, why=WHY_TH, matched=self._texts[best])


class LiveReferrals:
    """TaughtReferrals of a long-lived process, reloaded when the knowledge revision moves."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        directory: AgencyDirectory,
        *,
        check_every: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._directory = directory
        self._check_every = check_every
        self._clock = clock
        self._lock = threading.Lock()
        self._current: TaughtReferrals | None = None
        self._revision = -1
        self._checked_at = float("-inf")

    def current(self) -> TaughtReferrals:
        now = self._clock()
        with self._lock:
            if self._current is not None and now - self._checked_at < self._check_every:
                return self._current
            with self._sessions() as session:
                row = session.get(RevisionRow, 1)
                revision = row.revision if row else 0
                if self._current is None or revision != self._revision:
                    self._current = TaughtReferrals.load(session, self._directory)
                    self._revision = revision
            self._checked_at = now
            return self._current

    def refer(self, text: str) -> Referral | None:
        return self.current().refer(text)
