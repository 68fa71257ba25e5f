"""Channel-neutral bot answers -> at most five LINE messages (SDK models, validated as they are built).

LINE accepts five messages per reply or push; Rasa may say more, so texts beyond the fourth are merged
into the fifth. Buttons from every utterance become quick replies on the last message (LINE shows
quick replies of the last message only; at most 13, labels at most 20 characters). A service card in
a custom payload becomes a Flex bubble whose alt text is what notifications and old clients show.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from linebot.v3.messaging import (
    FlexContainer,
    FlexMessage,
    ImageMessage,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

from channels.messages import Button, Outbound

log = logging.getLogger(__name__)

MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL_CHARS = 20
MAX_TEXT_CHARS = 5000
MAX_POSTBACK_DATA = 300
MAX_ALT_TEXT = 400


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quick_reply(buttons: Sequence[Button]) -> QuickReply | None:
    items: list[QuickReplyItem] = []
    for button in buttons[:MAX_QUICK_REPLIES]:
        label = _clip(button.title.strip() or button.payload, MAX_LABEL_CHARS)
        if button.payload.startswith(("https://", "http://")):
            action: Any = URIAction(label=label, uri=button.payload)
        else:
            action = PostbackAction(
                label=label,
                data=button.payload[:MAX_POSTBACK_DATA] or label,
                display_text=_clip(button.title.strip() or label, 300),
            )
        items.append(QuickReplyItem(action=action))
    return QuickReply(items=items) if items else None


def service_card_bubble(card: dict[str, Any]) -> dict[str, Any]:
    """A plain Flex bubble for a service answer: title, short body, optional link button."""
    title = _clip(str(card.get("title") or "บริการ"), 80)
    body_text = _clip(str(card.get("summary") or card.get("body") or ""), 1000)
    contents: list[dict[str, Any]] = [
        {"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": True}
    ]
    if body_text:
        contents.append({"type": "text", "text": body_text, "size": "sm", "wrap": True, "margin": "md"})
    if card.get("agency"):
        contents.append(
            {"type": "text", "text": _clip(str(card["agency"]), 100), "size": "xs", "color": "#888888"}
        )
    bubble: dict[str, Any] = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": contents},
    }
    url = str(card.get("url") or "")
    if url.startswith("https://"):
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "action": {
                        "type": "uri",
                        "label": _clip(str(card.get("link_label") or "ดูรายละเอียด"), 40),
                        "uri": url,
                    },
                }
            ],
        }
    return bubble


def _flex(custom: dict[str, Any], fallback_text: str | None) -> Message | None:
    if "flex" in custom and isinstance(custom["flex"], dict):
        contents, alt = custom["flex"], custom.get("alt_text")
    elif "service_card" in custom and isinstance(custom["service_card"], dict):
        contents, alt = service_card_bubble(custom["service_card"]), custom["service_card"].get("title")
    else:
        return None
    alt_text = _clip(str(alt or fallback_text or "ข้อมูลบริการ"), MAX_ALT_TEXT)
    try:
        return FlexMessage(alt_text=alt_text, contents=FlexContainer.from_dict(contents))
    except Exception as exc:  # an invalid bubble must not cost the citizen the answer
        log.warning(
            "line: flex payload rejected by the SDK model (%s); sending text instead", exc.__class__.__name__
        )
        return None


def _split_text(text: str) -> list[str]:
    return [text[i : i + MAX_TEXT_CHARS] for i in range(0, len(text), MAX_TEXT_CHARS)] or [text]


def render(answers: Sequence[Outbound]) -> list[Message]:
    """Render Rasa's answers; an empty list when there is nothing to send."""
    rendered: list[Message] = []
    buttons: list[Button] = []
    for answer in answers:
        buttons.extend(answer.buttons)
        if answer.custom:
            flex = _flex(answer.custom, answer.text)
            if flex is not None:
                rendered.append(flex)
                continue
        if answer.text and answer.text.strip():
            rendered.extend(TextMessage(text=part) for part in _split_text(answer.text))
        if answer.image_url and answer.image_url.startswith("https://"):
            rendered.append(
                ImageMessage(original_content_url=answer.image_url, preview_image_url=answer.image_url)
            )
    if not rendered and buttons:
        rendered.append(TextMessage(text="เลือกได้เลยค่ะ"))
    rendered = _pack(rendered)
    if buttons and rendered:
        rendered[-1].quick_reply = quick_reply(_unique(buttons))
    return rendered


def _unique(buttons: Sequence[Button]) -> list[Button]:
    seen: set[tuple[str, str]] = set()
    result = []
    for button in buttons:
        key = (button.title, button.payload)
        if key not in seen:
            seen.add(key)
            result.append(button)
    return result


def _pack(messages: list[Message]) -> list[Message]:
    """At most five: merge the text of the overflow into the fifth message (or drop non-text extras)."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    head, tail = messages[: MAX_MESSAGES - 1], messages[MAX_MESSAGES - 1 :]
    texts = [m.text for m in tail if isinstance(m, TextMessage)]
    dropped = len(tail) - len(texts)
    if dropped:
        log.warning("line: %d non-text message(s) beyond LINE's five were dropped", dropped)
    if not texts:
        return [*head, tail[0]]
    merged = "\n\n".join(texts)
    return [*head, TextMessage(text=_clip(merged, MAX_TEXT_CHARS))]
