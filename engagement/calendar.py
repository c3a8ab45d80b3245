"""iCalendar (RFC 5545) files so people can add a session to their calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space, as RFC 5545 requires."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def focus_group_ics(focus_group, url: str) -> str:
    if focus_group.mode == focus_group.Mode.ONLINE:
        location = "Online (joining details are emailed to confirmed attendees)"
    else:
        location = ", ".join(
            part
            for part in [focus_group.venue_name, *focus_group.venue_address.splitlines()]
            if part
        )
    status = "CANCELLED" if focus_group.status == focus_group.Status.CANCELLED else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Economies for Healthier Lives//EHL Insight//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{focus_group.public_id}@ehl-insight",
        f"DTSTAMP:{_stamp(timezone.now())}",
        f"DTSTART:{_stamp(focus_group.starts_at)}",
        f"DTEND:{_stamp(focus_group.ends_at)}",
        f"SUMMARY:{_escape(focus_group.title)}",
        f"DESCRIPTION:{_escape(focus_group.description)}\\n\\n{_escape(url)}",
        f"LOCATION:{_escape(location)}",
        f"URL:{url}",
        f"STATUS:{status}",
        f"ORGANIZER;CN={_escape(focus_group.organisation.name)}:mailto:no-reply@ehl.example.org",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
