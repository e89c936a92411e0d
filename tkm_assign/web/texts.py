"""The words of the page in Bahasa Indonesia and English, and locale formatting.

Templates call ``t(code, **values)``; a code missing from a language falls back to English.
Numbers use the Indonesian separators (``1.234,5``) in Indonesian and the English ones in
English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

LANGUAGES = ("id", "en")

# code -> (English, Bahasa Indonesia)
TEXTS: Mapping[str, tuple[str, str]] = {
    "web.title": ("TKM Lanjutan mentor planning", "Perencanaan pendamping TKM Lanjutan"),
    "web.nav.plans": ("Plans", "Rencana"),
    "web.nav.new_plan": ("New plan", "Rencana baru"),
    "web.nav.help": ("Help", "Bantuan"),
    "web.nav.language": ("Bahasa Indonesia", "English"),
    "web.home.heading": ("Plans", "Rencana"),
    "web.home.empty": (
        "No plan yet. Start with a new plan: upload the participant and mentor lists.",
        "Belum ada rencana. Mulai dengan rencana baru: unggah daftar peserta dan pendamping.",
    ),
    "web.home.other_jobs": ("Other work", "Pekerjaan lain"),
    "web.col.title": ("Name", "Nama"),
    "web.col.created": ("Created", "Dibuat"),
    "web.col.status": ("Status", "Status"),
    "web.col.served": ("Served", "Terlayani"),
    "web.status.queued": ("waiting", "menunggu"),
    "web.status.running": ("running", "berjalan"),
    "web.status.done": ("done", "selesai"),
    "web.status.failed": ("failed", "gagal"),
    "web.status.cancelled": ("cancelled", "dibatalkan"),
    "web.new.heading": ("New plan", "Rencana baru"),
    "web.new.intro": (
        "Upload the participant and mentor lists (CSV, XLSX or GeoPackage), choose a preset "
        "and check the few settings below, then start the plan.",
        "Unggah daftar peserta dan pendamping (CSV, XLSX atau GeoPackage), pilih pengaturan "
        "siap pakai dan periksa beberapa pengaturan di bawah, lalu mulai rencana.",
    ),
    "web.new.participants": ("Participants file", "Berkas peserta"),
    "web.new.mentors": ("Mentors file", "Berkas pendamping"),
    "web.new.drop": ("Drop a file here or choose one", "Letakkan berkas di sini atau pilih"),
    "web.new.limits": (
        "At most {mb} MB and {rows} rows per file.",
        "Paling besar {mb} MB dan {rows} baris per berkas.",
    ),
    "web.new.title": ("Name of the plan (optional)", "Nama rencana (opsional)"),
    "web.new.preset": ("Preset", "Pengaturan siap pakai"),
    "web.new.preset_default": (
        "Recommended policy (default)",
        "Kebijakan yang dianjurkan (bawaan)",
    ),
    "web.new.settings": ("Settings", "Pengaturan"),
    "web.new.start": ("Start the plan", "Mulai rencana"),
    "web.preset.kepulauan": (
        "Archipelagic provinces: onsite visits across the sea by ferry",
        "Provinsi kepulauan: kunjungan tatap muka menyeberang dengan feri",
    ),
    "web.preset.laptop_cepat": (
        "Quick first look on a weak laptop (straight-line travel)",
        "Gambaran cepat di laptop lemah (jarak garis lurus)",
    ),
    "web.preset.praktik_2024": (
        "The programme as it ran in 2024",
        "Program seperti yang berjalan pada 2024",
    ),
    "web.setting.programme.start_date": ("Programme start", "Mulai program"),
    "web.setting.programme.months": ("Programme months", "Lama program (bulan)"),
    "web.setting.caseload.max": ("Participants per mentor", "Peserta per pendamping"),
    "web.setting.sessions.min_per_month": (
        "Sessions per month, at least",
        "Sesi per bulan, paling sedikit",
    ),
    "web.setting.sessions.max_per_month": (
        "Sessions per month, at most",
        "Sesi per bulan, paling banyak",
    ),
    "web.setting.assign.sector_rule": ("Sector rule", "Aturan sektor"),
    "web.setting.travel.cross_island": (
        "Onsite visits across the sea",
        "Kunjungan tatap muka menyeberang laut",
    ),
    "web.choice.soft": ("prefer a mentor of the sector", "utamakan pendamping sektor yang sama"),
    "web.choice.hard": ("only mentors of the sector", "hanya pendamping sektor yang sama"),
    "web.choice.forbid": ("not allowed", "tidak diizinkan"),
    "web.choice.ferry": ("by ferry on the known routes", "dengan feri pada rute yang dikenal"),
    "web.upload.missing": ("Choose the {role} file.", "Pilih berkas {role}."),
    "web.upload.empty": ("{file} is empty.", "{file} kosong."),
    "web.upload.too_large": (
        "{file} is {size_mb:.1f} MB; at most {limit_mb:.0f} MB can be uploaded.",
        "{file} berukuran {size_mb:.1f} MB; paling besar {limit_mb:.0f} MB yang dapat diunggah.",
    ),
    "web.upload.request_too_large": (
        "The files are too large; at most {limit_mb:.0f} MB per file can be uploaded.",
        "Berkas terlalu besar; paling besar {limit_mb:.0f} MB per berkas yang dapat diunggah.",
    ),
    "web.upload.type": (
        "{file}: files of type {suffix} are not read; upload CSV, XLSX, GeoPackage or GeoJSON.",
        "{file}: berkas jenis {suffix} tidak dibaca; unggah CSV, XLSX, GeoPackage atau GeoJSON.",
    ),
    "web.upload.content": (
        "{file} is not a {suffix} file inside.",
        "Isi {file} bukan berkas {suffix}.",
    ),
    "web.upload.too_many_rows": (
        "{file} has {rows} rows; at most {limit} can be uploaded.",
        "{file} memiliki {rows} baris; paling banyak {limit} yang dapat diunggah.",
    ),
    "web.settings": ("Setting not accepted: {text}", "Pengaturan tidak diterima: {text}"),
    "web.role.participants": ("participants", "peserta"),
    "web.role.mentors": ("mentors", "pendamping"),
    "web.job.heading": ("Planning", "Sedang merencanakan"),
    "web.job.waiting": (
        "Waiting for a free worker; {running} jobs are running.",
        "Menunggu pekerja yang bebas; {running} pekerjaan sedang berjalan.",
    ),
    "web.job.cancel": ("Cancel", "Batalkan"),
    "web.job.delete": ("Delete", "Hapus"),
    "web.job.files": ("Files", "Berkas"),
    "web.job.failed": ("The plan could not be made.", "Rencana tidak dapat dibuat."),
    "web.job.cancelled": ("The plan was cancelled.", "Rencana dibatalkan."),
    "web.job.problems": (
        "{count} problems in the input files. Correct them in the spreadsheet and upload "
        "the files again.",
        "{count} masalah dalam berkas masukan. Perbaiki di lembar kerja lalu unggah lagi.",
    ),
    "web.job.try_again": (
        "New plan with corrected files",
        "Rencana baru dengan berkas yang diperbaiki",
    ),
    "web.problem.file": ("File", "Berkas"),
    "web.problem.row": ("Row", "Baris"),
    "web.problem.column": ("Column", "Kolom"),
    "web.problem.value": ("Value", "Nilai"),
    "web.problem.expected": ("Expected", "Yang diharapkan"),
    "web.error.web.interrupted": (
        "The server stopped while this job ran; start it again.",
        "Server berhenti saat pekerjaan ini berjalan; mulai lagi.",
    ),
    "web.error.web.stopped": ("The server was stopped.", "Server dihentikan."),
    "web.error.web.crashed": (
        "The worker stopped unexpectedly (exit code {exit_code}).",
        "Pekerja berhenti tiba-tiba (kode keluar {exit_code}).",
    ),
    "web.error.web.internal": (
        "Internal error ({type}): {text}. Please report it with the files you used.",
        "Kesalahan internal ({type}): {text}. Mohon laporkan bersama berkas yang dipakai.",
    ),
    "web.error.web.error": ("{text}", "{text}"),
    "web.step.read": ("Reading the input files", "Membaca berkas masukan"),
    "web.step.page": ("Preparing the pages", "Menyiapkan halaman"),
    "web.step.done": ("Done", "Selesai"),
    "web.plan.served": ("Participants with a mentor", "Peserta berpendamping"),
    "web.plan.unassigned": ("Without a mentor", "Tanpa pendamping"),
    "web.plan.mentors": ("Mentors", "Pendamping"),
    "web.plan.sector_match": ("Mentor of the same sector", "Pendamping sektor yang sama"),
    "web.plan.travel": ("Mean travel, one way", "Rata-rata perjalanan, sekali jalan"),
    "web.plan.minutes": ("{value} min", "{value} menit"),
    "web.plan.onsite_share": ("Onsite sessions", "Sesi tatap muka"),
    "web.plan.target": ("Meeting their target every month", "Memenuhi target setiap bulan"),
    "web.plan.sessions": ("Sessions planned", "Sesi direncanakan"),
    "web.plan.first3": (
        "Sessions in the first 3 months, against the 2024 evaluation",
        "Sesi dalam 3 bulan pertama, dibandingkan evaluasi 2024",
    ),
    "web.plan.this_plan": ("This plan", "Rencana ini"),
    "web.plan.evaluation": ("2024 evaluation", "Evaluasi 2024"),
    "web.plan.reasons": ("Why participants have no mentor", "Mengapa peserta tanpa pendamping"),
    "web.plan.count": ("Participants", "Peserta"),
    "web.plan.reason": ("Reason", "Alasan"),
    "web.plan.map": ("Map", "Peta"),
    "web.plan.all_provinces": ("All provinces", "Semua provinsi"),
    "web.plan.province": ("Province", "Provinsi"),
    "web.plan.legend_mentor": ("mentor", "pendamping"),
    "web.plan.legend_unserved": ("without a mentor", "tanpa pendamping"),
    "web.plan.workload": ("Workload per mentor", "Beban kerja per pendamping"),
    "web.plan.workload_note": (
        "Share of the mentor's hours used in the busiest month. Above 100% is overloaded, "
        "below {idle} is idle.",
        "Bagian jam pendamping yang terpakai pada bulan tersibuk. Di atas 100% berlebih, "
        "di bawah {idle} menganggur.",
    ),
    "web.plan.overloaded": ("overloaded", "berlebih"),
    "web.plan.idle": ("idle", "menganggur"),
    "web.plan.overloaded_count": ("Overloaded mentors", "Pendamping berlebih"),
    "web.plan.idle_count": ("Idle mentors", "Pendamping menganggur"),
    "web.plan.utilisation_mean": ("Mean utilisation", "Rata-rata pemanfaatan"),
    "web.plan.assignments": ("Assignments", "Penugasan"),
    "web.plan.search": ("Search participant or mentor id", "Cari id peserta atau pendamping"),
    "web.plan.any_status": ("Everyone", "Semua"),
    "web.plan.page": (
        "Page {page} of {pages} ({total} rows)",
        "Halaman {page} dari {pages} ({total} baris)",
    ),
    "web.plan.previous": ("Previous", "Sebelumnya"),
    "web.plan.next": ("Next", "Berikutnya"),
    "web.plan.downloads": ("Downloads", "Unduhan"),
    "web.plan.all_calendars": ("All calendars (.zip)", "Semua kalender (.zip)"),
    "web.plan.other_files": ("Every file", "Semua berkas"),
    "web.col.participant": ("Participant", "Peserta"),
    "web.col.mentor": ("Mentor", "Pendamping"),
    "web.col.sector": ("Sector", "Sektor"),
    "web.col.travel_min": ("Travel (min)", "Perjalanan (menit)"),
    "web.col.participants": ("Participants", "Peserta"),
    "web.col.sessions": ("Sessions", "Sesi"),
    "web.col.hours": ("Hours", "Jam"),
    "web.col.travel_hours": ("Travel hours", "Jam perjalanan"),
    "web.col.utilisation": ("Utilisation", "Pemanfaatan"),
    "web.col.date": ("Date", "Tanggal"),
    "web.col.time": ("Time", "Waktu"),
    "web.col.mode": ("Mode", "Cara"),
    "web.col.stops": ("Visits", "Kunjungan"),
    "web.mode.onsite": ("onsite", "tatap muka"),
    "web.mode.online": ("online", "daring"),
    "web.mentor.heading": ("Mentor {mentor}", "Pendamping {mentor}"),
    "web.mentor.calendar": ("Calendar (.ics)", "Kalender (.ics)"),
    "web.mentor.printable": ("Printable schedule", "Jadwal cetak"),
    "web.mentor.sessions": ("Sessions", "Sesi"),
    "web.mentor.routes": ("Day routes", "Rute harian"),
    "web.mentor.back": ("Back to the plan", "Kembali ke rencana"),
    "web.error.heading": ("Something went wrong", "Terjadi masalah"),
    "web.error.404": ("This page does not exist (any more).", "Halaman ini tidak ada (lagi)."),
    "web.error.403": ("Not allowed.", "Tidak diizinkan."),
    "web.error.500": (
        "An internal error; the server is still running. Go back and try again.",
        "Kesalahan internal; server tetap berjalan. Kembali dan coba lagi.",
    ),
    "web.back_home": ("Back to the plans", "Kembali ke daftar rencana"),
    "web.offline_map": (
        "Offline map: province and regency outlines.",
        "Peta luring: batas provinsi dan kabupaten/kota.",
    ),
}


def t(code: str, lang: str, **values: object) -> str:
    """The text of ``code`` in ``lang`` with ``values`` filled in (English as fallback)."""
    english, indonesian = TEXTS[code]
    text = indonesian if lang == "id" and indonesian else english
    return text.format(**values) if values else text


def step(code: str, lang: str) -> str:
    """Words for a progress step code (the code itself when it has none)."""
    key = f"web.step.{code.removeprefix('step.')}"
    return t(key, lang) if key in TEXTS else code


def translator(lang: str) -> Callable[..., str]:
    """``t`` for one language, as the templates call it: ``t("web.nav.plans")``."""

    def translate(code: str, **values: object) -> str:
        return t(code, lang, **values)

    return translate


def number(value: object, digits: int = 0, lang: str = "id") -> str:
    """``1234.5`` -> ``1.234,5`` (Indonesian) or ``1,234.5`` (English)."""
    if value is None or value == "":
        return "-"
    text = f"{float(value):,.{digits}f}"  # type: ignore[arg-type]
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value: object, digits: int = 1, lang: str = "id") -> str:
    """``0.8554`` -> ``85,5%``."""
    if value is None or value == "":
        return "-"
    return number(float(value) * 100, digits, lang) + "%"  # type: ignore[arg-type]
