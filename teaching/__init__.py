"""The teaching loop (issue 13): staff turn the questions the bot missed into knowledge.

- `queue.py`: the review queue (unanswered, low-confidence, handed-over, thumbs-down questions from
  `unanswered_messages`, masked), filtered and grouped by similarity (`similarity.py`).
- `decisions.py`: a reviewer's decision on a group, one transaction with its knowledge edit and audit
  entry: means service X (approved examples, searchable at once), new service (a draft), out of scope
  (a taught referral, `referrals.py`), answer was wrong (the record's edit form), dismiss.
- `nlu_export.py` / `python -m teaching export-nlu`: approved examples as NLU data for `make train`.

The console page is staff/views/review.py; tests in tests/teaching/; the learning curve in
bench/teaching/learning_curve.py.
"""
