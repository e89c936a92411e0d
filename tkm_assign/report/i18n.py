"""Labels of the report, workbook, calendars and printable schedules in Indonesian and English.

Every label is one entry of :data:`LABELS` with both languages side by side, so a label can
never exist in one language only. Table columns are labelled by their column name (the
names in :mod:`tkm_assign.report.tables`), so a workbook header read back by the audit can
be mapped to its column again (:func:`column_aliases`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES = ("id", "en")

# key -> (Bahasa Indonesia, English)
LABELS: Mapping[str, tuple[str, str]] = {
    # titles and sheet names (sheet names: at most 31 characters, no []:*?/\)
    "report_title": ("Rencana Pendampingan TKM Lanjutan", "TKM Lanjutan mentoring plan"),
    "audit_title": ("Pemeriksaan Rencana Pendampingan", "Mentoring plan audit"),
    "sheet_summary": ("Ringkasan", "Summary"),
    "sheet_assignments": ("Penugasan", "Assignments"),
    "sheet_schedule": ("Jadwal", "Schedule"),
    "sheet_routes": ("Rute", "Routes"),
    "sheet_workload": ("Beban kerja", "Workload"),
    "sheet_mentors": ("Pendamping", "Mentors"),
    "sheet_unassigned": ("Belum terlayani & kekurangan", "Unassigned & shortfalls"),
    "sheet_provinces": ("Provinsi", "Provinces"),
    "sheet_violations": ("Pelanggaran", "Violations"),
    "sheet_comparison": ("Perbandingan", "Comparison"),
    # summary figures
    "item": ("Ukuran", "Measure"),
    "value": ("Nilai", "Value"),
    "period": ("Periode program", "Programme period"),
    "generated": ("Dibuat", "Generated"),
    "participants_total": ("Peserta", "Participants"),
    "participants_served": ("Peserta terlayani", "Participants served"),
    "participants_unassigned": ("Peserta belum terlayani", "Participants without a mentor"),
    "mentors_total": ("Pendamping", "Mentors"),
    "mentors_active": ("Pendamping dengan peserta", "Mentors with participants"),
    "served_share": ("Bagian peserta terlayani", "Share of participants served"),
    "sessions_total": ("Sesi terjadwal", "Sessions scheduled"),
    "onsite_share": ("Bagian sesi tatap muka", "Onsite share of sessions"),
    "target_share": (
        "Peserta yang target sesinya terpenuhi tiap bulan",
        "Participants meeting their session target every month",
    ),
    "onsite_min_share": (
        "Peserta yang minimum tatap mukanya terpenuhi",
        "Participants meeting the onsite minimums",
    ),
    "sector_match": ("Kesesuaian sektor", "Sector match"),
    "mean_travel_min": (
        "Rata-rata perjalanan sekali jalan (menit)",
        "Mean one-way travel (minutes)",
    ),
    "travel_hours_total": ("Total jam perjalanan", "Total travel hours"),
    "travel_km_total": ("Total jarak perjalanan (km)", "Total travel distance (km)"),
    "travel_per_visit": (
        "Perjalanan per kunjungan tatap muka (menit)",
        "Travel per onsite visit (minutes)",
    ),
    "caseload_range": ("Jumlah peserta per pendamping (min–rata–maks)", "Caseload (min–mean–max)"),
    "utilisation_mean": ("Rata-rata pemanfaatan waktu pendamping", "Mean mentor utilisation"),
    "utilisation_cv": (
        "Koefisien variasi pemanfaatan (sebaran beban)",
        "Coefficient of variation of utilisation (spread)",
    ),
    "overloaded": ("Pendamping kelebihan beban", "Overloaded mentors"),
    "idle": ("Pendamping menganggur / sangat ringan", "Idle or barely used mentors"),
    "shortfalls_count": (
        "Kekurangan jadwal peserta berpendamping (peserta × bulan)",
        "Shortfalls of participants with a mentor (participant × month)",
    ),
    "solver_status": ("Status penyelesaian", "Solver status"),
    "solver_engine": ("Metode", "Engine"),
    "solver_gap": ("Selisih terhadap batas optimal", "Gap to the bound"),
    "solve_seconds": ("Waktu hitung (detik)", "Solve time (seconds)"),
    "seed": ("Benih acak (seed)", "Random seed"),
    "changes_from_current": ("Peserta pindah pendamping", "Participants moved to another mentor"),
    "participants_file": ("Berkas peserta", "Participants file"),
    "mentors_file": ("Berkas pendamping", "Mentors file"),
    "language": ("Bahasa", "Language"),
    # report sections and texts
    "key_figures": ("Angka utama", "Key figures"),
    "of": ("dari", "of"),
    "sessions_distribution": (
        "Sesi per peserta dalam 3 bulan pertama",
        "Sessions per participant in the first 3 months",
    ),
    "sessions_distribution_note": (
        "Semua peserta dihitung; peserta tanpa pendamping dihitung 0 sesi. "
        "Pembanding: hasil evaluasi program 2024.",
        "All participants are counted; participants without a mentor count as 0 sessions. "
        "Baseline: the programme's 2024 evaluation.",
    ),
    "baseline_2024": ("Capaian 2024", "2024 achieved"),
    "this_plan": ("Rencana ini", "This plan"),
    "bin_low": ("0–2 sesi", "0–2 sessions"),
    "bin_mid": ("3–4 sesi", "3–4 sessions"),
    "bin_high": ("> 4 sesi", "> 4 sessions"),
    "share_of_participants": ("Bagian peserta", "Share of participants"),
    "workload_balance": ("Keseimbangan beban kerja", "Workload balance"),
    "workload_per_mentor": ("Pemanfaatan waktu per pendamping", "Utilisation per mentor"),
    "workload_per_province": ("Beban kerja per provinsi", "Workload per province"),
    "province_chart_title": (
        "Pemanfaatan pendamping per provinsi: rata-rata (titik), terendah–tertinggi (garis); "
        "(terlayani/peserta)",
        "Mentor utilisation per province: mean (dot), lowest–highest (bar); (served/participants)",
    ),
    "show_all": ("Tampilkan semua", "Show all"),
    "caseload_per_mentor": ("Jumlah peserta per pendamping", "Caseload per mentor"),
    "mentors_sorted": ("Pendamping (diurutkan)", "Mentors (sorted)"),
    "utilisation_pct": ("Pemanfaatan (%)", "Utilisation (%)"),
    "utilisation_note": (
        "Pemanfaatan = jam sesi + jam perjalanan dibagi jam kerja tersedia (bulan tersibuk).",
        "Utilisation = session hours + travel hours over available working hours (busiest month).",
    ),
    "estimated_note": (
        "Belum ada jadwal: beban diperkirakan dari target sesi dan waktu perjalanan.",
        "No schedule yet: load is estimated from session targets and travel times.",
    ),
    "spread": ("Sebaran", "Spread"),
    "spread_measure": ("Ukuran sebaran", "Spread measure"),
    "measure_mean": ("Rata-rata", "Mean"),
    "measure_std": ("Simpangan baku", "Standard deviation"),
    "measure_cv": ("Koefisien variasi", "Coefficient of variation"),
    "measure_min": ("Minimum", "Minimum"),
    "measure_max": ("Maksimum", "Maximum"),
    "measure_max_over_mean": ("Maksimum / rata-rata", "Maximum / mean"),
    "measure_gini": ("Indeks Gini", "Gini index"),
    "caseload": ("Jumlah peserta", "Caseload"),
    "hours": ("Jam per bulan", "Hours per month"),
    "travel": ("Perjalanan", "Travel"),
    "travel_distribution": (
        "Waktu perjalanan sekali jalan, rumah pendamping ke peserta",
        "One-way travel time, mentor home to participant",
    ),
    "minutes": ("Menit", "Minutes"),
    "participants_count": ("Jumlah peserta", "Number of participants"),
    "map": ("Peta", "Map"),
    "map_note": (
        "Titik berwarna: peserta menurut pendampingnya; bintang: rumah pendamping; "
        "silang merah: peserta belum terlayani. Peta per provinsi ada di folder maps/.",
        "Coloured dots: participants by mentor; stars: mentor homes; red crosses: participants "
        "without a mentor. Per-province maps are in the maps/ folder.",
    ),
    "map_mentor": ("Rumah pendamping", "Mentor home"),
    "map_participant": ("Peserta (warna = pendamping)", "Participant (colour = mentor)"),
    "map_line": ("Garis penugasan", "Assignment line"),
    "unassigned_section": ("Peserta belum terlayani", "Participants without a mentor"),
    "shortfalls_section": ("Kekurangan jadwal", "Schedule shortfalls"),
    "reasons": ("Alasan", "Reasons"),
    "count": ("Jumlah", "Count"),
    "none": ("Tidak ada.", "None."),
    "table_truncated": (
        "Menampilkan {shown} dari {total} baris; daftar lengkap ada di plan.xlsx.",
        "Showing {shown} of {total} rows; the full list is in plan.xlsx.",
    ),
    "inputs_config": ("Masukan dan konfigurasi", "Inputs and configuration"),
    "config_key": ("Kunci", "Key"),
    "full_config": ("Konfigurasi lengkap", "Full configuration"),
    "provinces_table": ("Ringkasan per provinsi", "Per-province summary"),
    "places": ("Kapasitas (tempat)", "Places (caseload capacity)"),
    "footer": (
        "Dibuat dengan tkm_assign {version}. Batas wilayah: cahyadsn/wilayah_boundaries (MIT).",
        "Made with tkm_assign {version}. Boundaries: cahyadsn/wilayah_boundaries (MIT).",
    ),
    # printable mentor schedule
    "mentor_schedule": ("Jadwal Pendampingan", "Mentoring schedule"),
    "my_participants": ("Peserta dampingan", "My participants"),
    "no_sessions": ("Belum ada sesi terjadwal.", "No sessions scheduled yet."),
    "depart": ("Berangkat", "Leave"),
    "return": ("Kembali", "Back"),
    "visits": ("kunjungan", "visits"),
    "travel_short": ("perjalanan", "travel"),
    "week": ("Minggu", "Week"),
    "month": ("Bulan", "Month"),
    "open_map": ("Buka peta", "Open map"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "call": ("Telepon", "Call"),
    "online_only_no": ("Hanya tatap muka", "Onsite only"),
    "sessions_per_month_target": ("Target sesi/bulan", "Sessions/month target"),
    "print_hint": (
        "Simpan sebagai PDF atau cetak dari menu browser; bisa dibagikan lewat WhatsApp.",
        "Save as PDF or print from the browser menu; share it on WhatsApp.",
    ),
    "times_in": ("Semua waktu dalam {zone}.", "All times are in {zone}."),
    "open_route": ("Rute di peta", "Route on the map"),
    "route_map": ("Peta rute harian", "Day routes"),
    "route_map_note": (
        "Kotak merah: rumah pendamping; titik: peserta; garis: rute tiap hari kunjungan "
        "(garis lurus, warna menurut bulan).",
        "Red square: the mentor's home; dots: participants; lines: each visiting day's route "
        "(straight lines, coloured by month).",
    ),
    "home_on_map": ("Rumah di peta", "Home on the map"),
    # calendars
    "calendar_name": ("TKM Lanjutan – {mentor}", "TKM Lanjutan – {mentor}"),
    "session_summary": ("{mode}: {participant}", "{mode}: {participant}"),
    "reminder": ("Pengingat sesi pendampingan", "Mentoring session reminder"),
    "coordinates": ("Koordinat", "Coordinates"),
    "session_of": ("Sesi {n} dari {total} bulan ini", "Session {n} of {total} this month"),
    "need_level": ("Tingkat kebutuhan", "Need level"),
    "online_location": (
        "Daring (WhatsApp/Zoom) dengan peserta di {place}",
        "Online (WhatsApp/Zoom) with the participant in {place}",
    ),
    "online_location_phone": (
        "Daring (WhatsApp/telepon {phone}) dengan peserta di {place}",
        "Online (WhatsApp/phone {phone}) with the participant in {place}",
    ),
    # audit
    "violations_section": ("Pelanggaran aturan", "Rule violations"),
    "notes_section": ("Catatan", "Notes"),
    "clean_plan": (
        "Rencana memenuhi semua aturan yang diperiksa.",
        "The plan meets every rule checked.",
    ),
    "rule": ("Aturan", "Rule"),
    "severity": ("Tingkat", "Severity"),
    "details": ("Keterangan", "Details"),
    "violations_count": ("Pelanggaran", "Violations"),
    "notes_count": ("Catatan", "Notes"),
    "comparison_section": (
        "Yang akan diperbaiki oleh optimasi",
        "What the optimizer would improve",
    ),
    "hand_plan": ("Rencana diperiksa", "Audited plan"),
    "optimised_plan": ("Rencana optimasi", "Optimised plan"),
    "change": ("Perubahan", "Change"),
    "audit_summary_clean": ("Rencana bersih (tanpa pelanggaran)", "Clean plan (no violations)"),
    "cmp_participants_served": ("Peserta terlayani", "Participants served"),
    "cmp_sector_matches": ("Peserta dengan sektor sesuai", "Participants with a sector match"),
    "cmp_sector_match_rate": ("Kesesuaian sektor", "Sector match rate"),
    "cmp_mean_travel_min": (
        "Rata-rata perjalanan sekali jalan (menit)",
        "Mean one-way travel (minutes)",
    ),
    "cmp_estimated_travel_hours_per_month": (
        "Perkiraan jam perjalanan per bulan",
        "Estimated travel hours per month",
    ),
    "cmp_scheduled_travel_hours": ("Jam perjalanan terjadwal", "Scheduled travel hours"),
    "cmp_violations": ("Pelanggaran aturan", "Rule violations"),
    "cmp_target_share": (
        "Bagian peserta yang target sesinya terpenuhi",
        "Share meeting the session target",
    ),
    "cmp_utilisation_cv": (
        "Koefisien variasi pemanfaatan",
        "Coefficient of variation of utilisation",
    ),
    "cmp_utilisation_max": ("Pemanfaatan tertinggi", "Highest utilisation"),
    "cmp_caseload_cv": (
        "Koefisien variasi jumlah peserta",
        "Coefficient of variation of caseload",
    ),
    "cmp_overloaded_mentors": ("Pendamping kelebihan beban", "Overloaded mentors"),
    "cmp_idle_mentors": ("Pendamping menganggur", "Idle mentors"),
    "balance_per_mentor": ("Keseimbangan per pendamping", "Balance per mentor"),
    "flag": ("Tanda", "Flag"),
}

# Column labels, by column name of the plan tables (and a few derived columns).
COLUMNS: Mapping[str, tuple[str, str]] = {
    "item": ("Ukuran", "Measure"),  # the Summary sheet: one measure and its value a row
    "value": ("Nilai", "Value"),
    "participant_id": ("ID peserta", "Participant ID"),
    "participant_name": ("Nama peserta", "Participant name"),
    "mentor_id": ("ID pendamping", "Mentor ID"),
    "mentor_name": ("Nama pendamping", "Mentor name"),
    "name": ("Nama", "Name"),
    "status": ("Status", "Status"),
    "reason": ("Alasan", "Reason"),
    "province": ("Provinsi", "Province"),
    "province_code": ("Kode provinsi", "Province code"),
    "regency": ("Kabupaten/kota", "Regency/city"),
    "village": ("Desa/kelurahan", "Village"),
    "latitude": ("Lintang", "Latitude"),
    "longitude": ("Bujur", "Longitude"),
    "sector": ("Sektor", "Sector"),
    "sectors": ("Keahlian sektor", "Sector expertise"),
    "need_level": ("Tingkat kebutuhan", "Need level"),
    "sector_match": ("Sektor sesuai", "Sector match"),
    "travel_min": ("Perjalanan (menit)", "Travel (min)"),
    "distance_km": ("Jarak (km)", "Distance (km)"),
    "monthly_hours": ("Beban per bulan (jam)", "Monthly load (h)"),
    "session_id": ("ID sesi", "Session ID"),
    "date": ("Tanggal", "Date"),
    "weekday": ("Hari", "Day"),
    "start": ("Mulai", "Start"),
    "end": ("Selesai", "End"),
    "mode": ("Cara", "Mode"),
    "month": ("Bulan ke-", "Month"),
    "month_period": ("Tanggal bulan ini", "Month dates"),
    "travel_min_before": ("Perjalanan sebelumnya (menit)", "Travel before (min)"),
    "depart": ("Berangkat", "Depart"),
    "return": ("Kembali", "Return"),
    "stops": ("Urutan kunjungan", "Stops"),
    "stop_names": ("Peserta dikunjungi", "Participants visited"),
    "n_stops": ("Jumlah kunjungan", "Visits"),
    "participants": ("Peserta", "Participants"),
    "sessions": ("Sesi", "Sessions"),
    "onsite": ("Tatap muka", "Onsite"),
    "online": ("Daring", "Online"),
    "session_hours": ("Jam sesi", "Session hours"),
    "travel_hours": ("Jam perjalanan", "Travel hours"),
    "total_hours": ("Jam total", "Total hours"),
    "available_hours": ("Jam tersedia", "Available hours"),
    "utilisation": ("Pemanfaatan", "Utilisation"),
    "planned": ("Sesi direncanakan", "Sessions planned"),
    "required": ("Sesi dibutuhkan", "Sessions required"),
    "onsite_planned": ("Tatap muka direncanakan", "Onsite planned"),
    "onsite_required": ("Tatap muka dibutuhkan", "Onsite required"),
    "kind": ("Jenis", "Kind"),
    "caseload": ("Jumlah peserta", "Caseload"),
    "max_caseload": ("Maks. peserta", "Max caseload"),
    "monthly_hours_estimated": ("Beban perkiraan (jam/bulan)", "Estimated load (h/month)"),
    "capacity_hours": ("Kapasitas (jam/bulan)", "Capacity (h/month)"),
    "peak_hours": ("Jam bulan tersibuk", "Busiest-month hours"),
    "peak_utilisation": ("Pemanfaatan bulan tersibuk", "Busiest-month utilisation"),
    "travel_km": ("Jarak perjalanan (km)", "Travel distance (km)"),
    "mean_travel_min": ("Rata-rata perjalanan (menit)", "Mean travel (min)"),
    "flag": ("Tanda", "Flag"),
    "mentors": ("Pendamping", "Mentors"),
    "assigned": ("Terlayani", "Served"),
    "unassigned": ("Belum terlayani", "Unassigned"),
    "places": ("Kapasitas (tempat)", "Places"),
    "served_share": ("Bagian terlayani", "Share served"),
    "sector_match_rate": ("Kesesuaian sektor", "Sector match"),
    "utilisation_mean": ("Rata-rata pemanfaatan", "Mean utilisation"),
    "utilisation_min": ("Pemanfaatan min", "Min utilisation"),
    "utilisation_max": ("Pemanfaatan maks", "Max utilisation"),
    "rule": ("Aturan", "Rule"),
    "severity": ("Tingkat", "Severity"),
    "details": ("Keterangan", "Details"),
    "measure": ("Ukuran", "Measure"),
    "audited": ("Rencana diperiksa", "Audited plan"),
    "optimised": ("Rencana optimasi", "Optimised plan"),
    "change": ("Perubahan", "Change"),
    "better": ("Lebih baik", "Better"),
    "transport": ("Kendaraan", "Transport"),
}

# Values shown in place of codes.
VALUES: Mapping[str, tuple[str, str]] = {
    "onsite": ("tatap muka", "onsite"),
    "online": ("daring", "online"),
    "assigned": ("terlayani", "assigned"),
    "unassigned": ("belum terlayani", "unassigned"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    "low": ("rendah", "low"),
    "medium": ("sedang", "medium"),
    "high": ("tinggi", "high"),
    "pertanian_peternakan": ("Pertanian & peternakan", "Agriculture & livestock"),
    "perdagangan_jasa": ("Perdagangan barang & jasa", "Trade in goods & services"),
    "industri_boga": ("Industri boga", "Food industry"),
    "industri_kreatif": ("Industri kreatif", "Creative industry"),
    "perikanan_kelautan": ("Perikanan & kelautan", "Fisheries & marine"),
    "motorcycle": ("sepeda motor", "motorcycle"),
    "car": ("mobil", "car"),
    "public": ("angkutan umum", "public transport"),
    "violation": ("pelanggaran", "violation"),
    "note": ("catatan", "note"),
    "overloaded": ("kelebihan beban", "overloaded"),
    "idle": ("menganggur", "idle"),
    "ok": ("normal", "normal"),
    "shortfall": ("kekurangan sesi", "shortfall"),
}

WEEKDAYS = (
    ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
MONTHS = (
    (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
)


@dataclass(frozen=True)
class Labels:
    """Labels in one language: ``labels["report_title"]``, ``labels.column("date")``."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"language {self.lang!r} is not one of {', '.join(LANGUAGES)}")

    @property
    def _i(self) -> int:
        return LANGUAGES.index(self.lang)

    def __getitem__(self, key: str) -> str:
        return LABELS[key][self._i]

    def text(self, key: str, **fields: object) -> str:
        """A label with ``{placeholders}`` filled in."""
        return self[key].format(**fields)

    def column(self, name: str) -> str:
        """Header of a table column; the column name itself when it has no label."""
        pair = COLUMNS.get(name)
        return pair[self._i] if pair else name

    def value(self, code: object) -> str:
        """A code (mode, status, sector, need level, yes/no) in words; other values as text."""
        if isinstance(code, bool):
            code = "yes" if code else "no"
        pair = VALUES.get(str(code))
        return pair[self._i] if pair else ("" if code is None else str(code))

    def weekday(self, day: dt.date) -> str:
        return WEEKDAYS[self._i][day.weekday()]

    def long_date(self, day: dt.date) -> str:
        """``Senin, 5 Juli 2027`` / ``Monday, 5 July 2027``."""
        return f"{self.weekday(day)}, {day.day} {MONTHS[self._i][day.month - 1]} {day.year}"

    def short_date(self, day: dt.date) -> str:
        """``5 Jul 2027``."""
        return f"{day.day} {MONTHS[self._i][day.month - 1][:3]} {day.year}"

    def percent(self, share: float | None, digits: int = 1) -> str:
        """``58,9 %`` in Indonesian, ``58.9%`` in English; ``–`` when unknown."""
        if share is None:
            return "–"
        text = f"{100.0 * share:.{digits}f}"
        return f"{text.replace('.', ',')} %" if self.lang == "id" else f"{text}%"

    def number(self, value: float | None, digits: int = 0) -> str:
        """Thousands and decimal separators of the language (``3.000,5`` / ``3,000.5``)."""
        if value is None:
            return "–"
        text = f"{value:,.{digits}f}"
        if self.lang == "id":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text


def column_aliases() -> dict[str, str]:
    """Lower-case header text -> column name, for every language and the name itself.

    Lets the audit read a sheet of ``plan.xlsx`` whose headers are labels, not names.
    """
    aliases: dict[str, str] = {}
    for name, pair in COLUMNS.items():
        for text in (name, *pair):
            aliases.setdefault(text.strip().lower(), name)
    return aliases


def value_aliases() -> dict[str, str]:
    """Lower-case value text in any language -> code (``tatap muka`` -> ``onsite``)."""
    aliases: dict[str, str] = {}
    for code, pair in VALUES.items():
        for text in (code, *pair):
            aliases.setdefault(text.strip().lower(), code)
    return aliases
