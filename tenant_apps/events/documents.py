"""What the events app draws: ticket QR codes (segno), PDF tickets (reportlab) and iCalendar
files (icalendar). Pure functions of the rows they are given."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core.markdown import markdown_to_text


def qr_png(code: str, *, scale: int = 8) -> bytes:
    """A full QR code (never a Micro QR, which segno picks for short data and which neither
    zbar nor phone cameras read)."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(
        buffer, kind="svg", scale=6, border=4, title=f"Ticket {code}", xmldecl=False
    )
    return buffer.getvalue()


def local_time(moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz_name))


def when_text(event) -> str:
    start = local_time(event.starts_at, event.timezone)
    end = local_time(event.ends_at, event.timezone)
    same_day = start.date() == end.date()
    end_text = f"{end:%H:%M}" if same_day else f"{end:%a %d %b %Y %H:%M}"
    return f"{start:%a %d %b %Y %H:%M} - {end_text} ({event.timezone})"


def where_text(event) -> str:
    parts = [part for part in (event.venue_name, event.address) if part]
    if event.online_url:
        parts.append(f"Online: {event.online_url}")
    return ", ".join(parts)


def ticket_pdf(ticket, *, site_name: str) -> bytes:
    """A one-page A4 ticket: event, time, place, attendee, type and the QR code of the code."""
    event = ticket.event
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Ticket {ticket.code}: {event.title}")
    pdf.setAuthor(site_name)
    width, height = A4
    top = height - 25 * mm
    pdf.setFont("Helvetica", 10)
    pdf.drawString(20 * mm, top, site_name)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(20 * mm, top - 14 * mm, event.title[:60])
    pdf.setFont("Helvetica", 12)
    lines = [
        when_text(event),
        where_text(event)[:95],
        "",
        f"Attendee: {ticket.attendee_name}",
        f"Ticket: {ticket.ticket_type.name}",
        f"Code: {ticket.code}",
    ]
    y = top - 26 * mm
    for line in lines:
        pdf.drawString(20 * mm, y, line)
        y -= 7 * mm
    qr = ImageReader(io.BytesIO(qr_png(ticket.code, scale=10)))
    size = 70 * mm
    pdf.drawImage(qr, (width - size) / 2, y - size - 10 * mm, size, size)
    pdf.setFont("Helvetica", 9)
    pdf.drawCentredString(width / 2, y - size - 16 * mm, "Show this code at the entrance.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _vevent(event, *, url: str, host: str) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{host}")
    item.add("summary", event.title)
    tz = ZoneInfo(event.timezone)
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", event.ends_at.astimezone(tz))
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    description = markdown_to_text(event.description, limit=2000)
    item.add("description", f"{description}\n\n{url}".strip())
    location = where_text(event)
    if location:
        item.add("location", location)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return item


def calendar_bytes(events, *, name: str, host: str, url_of) -> bytes:
    """An iCalendar file with one VEVENT per event (time zones as TZID with VTIMEZONEs)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{host}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for event in events:
        calendar.add_component(_vevent(event, url=url_of(event), host=host))
    calendar.add_missing_timezones()
    return calendar.to_ical()
