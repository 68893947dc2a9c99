"""What changed between two versions of an agreement, and which verdicts the change moves.

Two pure functions:

* :func:`semantic_diff` compares two :class:`~slacode.model.Agreement` models and returns
  a list of :class:`Change`, each a sentence in plain words ("the default line tightened
  from 4h to 2h", "hours on mon-fri: 08:00-18:00 → 08:00-19:00"). Layout never counts:
  models carry no comments and their dumps exclude source positions, so two files that
  differ only in comments, blank lines or spacing have no changes at all. Where the text
  changed but the meaning did not (``a or b`` written ``b or a``, one ``hours`` line split
  in two), the declaration is reported once as *restated*, which is not a semantic change.
* :func:`impact` evaluates both versions over the same records (read once) as of the same
  instant and counts, per rule and clause, how many verdicts change status, and for which
  leads. A lead's verdict in one version is paired with the verdict of the same lead,
  rule and clause whose cycle started at the same instant in the other (cycle numbers
  can shift when a start becomes untracked); aggregates pair by period. A verdict with no
  partner is counted as appearing (``none → met``) or disappearing (``met → none``).
  Paired verdicts of a lead whose due date (``due_at``) differs are listed too
  (:attr:`Impact.due_moves`, :class:`DueMove`), whether or not their status changes: a
  tighter target or a shorter working day moves the deadlines of open cycles long before
  any of them turns into a breach. Warnings that move are kept the same way.

Neither function reads files or the clock; :mod:`slacode.cmd_diff` is the command. The
package holds one module per job: :mod:`~slacode.diff.changes` (the semantic diff),
:mod:`~slacode.diff.impact` and :mod:`~slacode.diff.render` (text and JSON); predicates
are compared by meaning with :mod:`slacode.logic`.
"""
from slacode.diff.changes import Change, days_text, pred_text, semantic_diff
from slacode.diff.impact import ClauseImpact, DueMove, Impact, LeadChange, MoveSummary, impact
from slacode.diff.render import render_text, to_json_dict
from slacode.logic import compare_preds, implies, normal_pred

__all__ = ["Change", "ClauseImpact", "DueMove", "Impact", "LeadChange", "MoveSummary", "compare_preds",
           "days_text", "impact", "implies", "normal_pred", "pred_text", "render_text", "semantic_diff",
           "to_json_dict"]
