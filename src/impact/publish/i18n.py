"""The reports' words and number formats in English and Bahasa Indonesia: one catalogue.

Every fixed text a report or annex shows — headings, column labels, group names, sentences,
notes, the legend, month names — is a message here, looked up by key in the report's language
(:class:`Text`). Numbers are formatted per language: ``Rp 3,300,000`` and ``0.70`` in English,
``Rp 3.300.000`` and ``0,70`` in Indonesian; p-values never print as 0 (``<0.001``).
Data values (district names, file names) are not translated.

>>> Text("id").idr(3_300_000), Text("en").idr(3_300_000)
('Rp 3.300.000', 'Rp 3,300,000')
>>> Text("en").p(0.00001), Text("id").ratio(0.7)
('<0.001', '0,70')
"""

from __future__ import annotations

import math
from datetime import date

from impact import vocab
from impact.publish.messages_programme import MESSAGES_PROGRAMME
from impact.publish.messages_workbench import MESSAGES_WORKBENCH

__all__ = ["LANGUAGES", "Text"]

LANGUAGES = ("en", "id")

_MONTHS = {
    "en": (
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
    "id": (
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
}

#: key → (English, Bahasa Indonesia); ``{name}`` fields are filled by :meth:`Text.t`
MESSAGES: dict[str, tuple[str, str]] = {
    # --- report structure --------------------------------------------------------------------------
    "report_title": ("Income recovery after layoff", "Pemulihan pendapatan setelah PHK"),
    "audience_public": ("Public", "Publik"),
    "audience_internal": ("INTERNAL — not for publication", "INTERNAL — tidak untuk dipublikasikan"),
    "programme": ("Programme", "Program"),
    "agency": ("Implementing agency", "Lembaga pelaksana"),
    "donor": ("Donor", "Donor"),
    "country": ("Country", "Negara"),
    "partners": ("Partners", "Mitra"),
    "platform": ("Partner platform", "Platform mitra"),
    "cohort": ("Cohort", "Angkatan"),
    "scope": ("Scope", "Cakupan"),
    "all_confederations": ("all confederations", "semua konfederasi"),
    "audience_public_short": ("public", "publik"),
    "audience_internal_short": ("internal", "internal"),
    "reporting_period": ("Reporting period", "Periode pelaporan"),
    "data_collection": ("Data collection", "Pengumpulan data"),
    "data_sources": ("Data sources", "Sumber data"),
    "data_sources_text": (
        "participant survey at registration and at {waves} after training (KoboToolbox); the reseller "
        "platform's order exports{platform_months}",
        "survei peserta saat pendaftaran dan {waves} setelah pelatihan (KoboToolbox); ekspor pesanan "
        "platform reseller{platform_months}",
    ),
    "version": ("Version", "Versi"),
    "sec_summary": ("Executive summary", "Ringkasan eksekutif"),
    "sec_participation": ("Who took part", "Siapa yang berpartisipasi"),
    "sec_recovery": ("Income recovery", "Pemulihan pendapatan"),
    "sec_recovery_intro": (
        "The recovery ratio is a participant's income last month divided by their last normal monthly "
        "wage before the layoff (1.00 = fully recovered). Intervals are 95% confidence intervals; with "
        "groups this small, read them as ranges.",
        "Rasio pemulihan adalah pendapatan peserta bulan lalu dibagi upah bulanan normal terakhir sebelum "
        "PHK (1,00 = pulih penuh). Rentang adalah selang kepercayaan 95%; pada kelompok sekecil ini, "
        "bacalah sebagai rentang.",
    ),
    "sec_by_sex": ("By sex", "Menurut jenis kelamin"),
    "sec_by_confederation": ("By confederation", "Menurut konfederasi"),
    "sec_time": ("How fast: time to recovery", "Seberapa cepat: waktu hingga pulih"),
    "sec_time_intro": (
        "Share of participants whose income had reached their pre-layoff wage by each follow-up "
        "(Kaplan–Meier). Unlike the figures by wave, it counts everyone who answered at least once, "
        "and treats those who stopped answering as not yet recovered when last seen.",
        "Persentase peserta yang pendapatannya telah mencapai upah sebelum PHK pada tiap tindak lanjut "
        "(Kaplan–Meier). Berbeda dengan angka per gelombang, ini menghitung semua yang pernah menjawab "
        "dan menganggap yang berhenti menjawab belum pulih saat terakhir terlihat.",
    ),
    "sec_reselling": ("Reselling: activity and earnings", "Berjualan ulang: aktivitas dan pendapatan"),
    "sec_reselling_intro": (
        "From the platform's order exports. Commission is the reseller's earning; the value of goods "
        "sold (GMV) is not income and is not shown as such.",
        "Dari ekspor pesanan platform. Komisi adalah pendapatan reseller; nilai barang terjual (GMV) "
        "bukan pendapatan dan tidak ditampilkan sebagai pendapatan.",
    ),
    "sec_targets": ("Own income targets", "Target pendapatan sendiri"),
    "sec_logframe": ("Logframe", "Kerangka logis"),
    "sec_attrition": ("Who stopped answering", "Siapa yang berhenti menjawab"),
    "sec_quality": ("Data quality", "Kualitas data"),
    "sec_methods": ("Methods and definitions", "Metode dan definisi"),
    "sec_notes": ("Notes", "Catatan"),
    "sec_legend": ("Symbols", "Simbol"),
    "sec_reproducibility": ("Reproducibility", "Reproduksibilitas"),
    "sec_participation_intro": (
        "Everyone who registered at training, and how many answered each follow-up survey.",
        "Semua yang terdaftar saat pelatihan, dan berapa yang menjawab tiap survei tindak lanjut.",
    ),
    "sec_over_time": ("Over time", "Dari waktu ke waktu"),
    "sec_over_time_intro": (
        "Median recovery ratio at each follow-up, with its 95% confidence interval. A point is left "
        "out when its group is too small to show.",
        "Median rasio pemulihan pada tiap tindak lanjut, dengan selang kepercayaan 95%. Titik "
        "dihilangkan bila kelompoknya terlalu kecil untuk ditampilkan.",
    ),
    "sec_latest": ("At the latest follow-up", "Pada tindak lanjut terakhir"),
    "sec_conf_x_sex": (
        "By confederation and sex (internal)",
        "Menurut konfederasi dan jenis kelamin (internal)",
    ),
    "sec_comparisons": ("Differences between groups", "Perbedaan antarkelompok"),
    "sec_comparisons_intro": (
        "Tests on small samples have little power: a large p-value does not show that there is no "
        "difference.",
        "Uji pada sampel kecil memiliki daya rendah: nilai p yang besar tidak menunjukkan bahwa tidak "
        "ada perbedaan.",
    ),
    "sec_income_sources": ("Where the income comes from", "Dari mana pendapatan berasal"),
    "sec_income_sources_intro": (
        "The part of participants' income last month that came from reselling: as they reported it "
        "in the survey, and as commission recorded by the platform for the same month.",
        "Bagian pendapatan peserta bulan lalu yang berasal dari berjualan ulang: menurut laporan "
        "mereka dalam survei, dan menurut komisi yang tercatat di platform pada bulan yang sama.",
    ),
    "sec_targets_intro": (
        "In training each participant set daily, weekly, monthly and yearly income targets; here "
        "they are converted to a month and compared with income at each follow-up.",
        "Dalam pelatihan setiap peserta menetapkan target pendapatan harian, mingguan, bulanan dan "
        "tahunan; di sini target dikonversi ke bulan dan dibandingkan dengan pendapatan pada tiap "
        "tindak lanjut.",
    ),
    "sec_logframe_intro": (
        "The programme's indicators against the targets set in its configuration, by sex.",
        "Indikator program dibandingkan dengan target dalam konfigurasinya, menurut jenis kelamin.",
    ),
    "sec_attrition_intro": (
        "How those who answered the latest follow-up differed at registration from those who did "
        "not. A normalised difference above 0.25 is large.",
        "Perbedaan saat pendaftaran antara yang menjawab tindak lanjut terakhir dan yang tidak. "
        "Selisih ternormalisasi di atas 0,25 tergolong besar.",
    ),
    "sec_quality_intro": (
        "Rows read from the raw files, and what the cleaning did with them.",
        "Baris yang dibaca dari berkas mentah, dan apa yang dilakukan pembersihan terhadapnya.",
    ),
    # --- groups --------------------------------------------------------------------------------------
    "all": ("All", "Semua"),
    "female": ("Women", "Perempuan"),
    "male": ("Men", "Laki-laki"),
    "unknown": ("Not stated", "Tidak diisi"),
    "unmapped": ("Confederation not recognised", "Konfederasi tidak dikenali"),
    "stayers": ("Still answering", "Masih menjawab"),
    "leavers": ("Stopped answering", "Berhenti menjawab"),
    # --- columns -------------------------------------------------------------------------------------
    "col_group": ("Group", "Kelompok"),
    "col_wave": ("Follow-up", "Tindak lanjut"),
    "col_registered": ("Registered", "Terdaftar"),
    "col_responded": ("Answered", "Menjawab"),
    "col_response_rate": ("Response rate", "Tingkat respons"),
    "col_n": ("With income data (n)", "Dengan data pendapatan (n)"),
    "col_median_ratio": ("Median recovery ratio (95% CI)", "Median rasio pemulihan (SK 95%)"),
    "col_share_recovered": ("Recovered (95% CI)", "Pulih (SK 95%)"),
    "col_ratio_of_sums": ("All incomes ÷ all pre-layoff wages", "Total pendapatan ÷ total upah sebelum PHK"),
    "col_median_before": ("Median pre-layoff wage", "Median upah sebelum PHK"),
    "col_median_now": ("Median income last month", "Median pendapatan bulan lalu"),
    "col_median_baseline": ("Median income at registration", "Median pendapatan saat pendaftaran"),
    "col_median_target": ("Median monthly target", "Median target bulanan"),
    "col_has_account": ("Has a reseller account", "Punya akun reseller"),
    "col_sessions": ("Mean sessions attended", "Rata-rata sesi dihadiri"),
    "col_indicator": ("Indicator", "Indikator"),
    "col_baseline": ("Baseline", "Awal"),
    "col_target": ("Target", "Target"),
    "col_actual": ("Actual", "Capaian"),
    "col_achieved": ("% of target", "% dari target"),
    "col_source": ("Source", "Sumber"),
    "col_comparison": ("Comparison", "Perbandingan"),
    "col_estimate": ("Estimate (95% CI)", "Estimasi (SK 95%)"),
    "col_test": ("Test", "Uji"),
    "col_p": ("p-value", "nilai p"),
    "col_caveat": ("Caveat", "Catatan"),
    "col_by_months": ("by {m} months", "dalam {m} bulan"),
    "col_month": ("Months since training", "Bulan sejak pelatihan"),
    "col_accounts": ("Accounts", "Akun"),
    "col_share_active": ("Share with a sale", "Persentase dengan penjualan"),
    "col_active": ("Accounts with a sale", "Akun dengan penjualan"),
    "col_commission_median": ("Median monthly commission", "Median komisi bulanan"),
    "col_commission_iqr": ("Middle half of accounts", "Separuh akun di tengah"),
    "col_reached_target": ("Reached own target", "Mencapai target sendiri"),
    "col_attainment": ("Median share of own target", "Median capaian target"),
    "col_variable": ("At registration", "Saat pendaftaran"),
    "col_nd": ("Normalised difference", "Selisih ternormalisasi"),
    "col_file": ("File", "Berkas"),
    "col_rows_read": ("Rows read", "Baris dibaca"),
    "col_rows_clean": ("Clean", "Bersih"),
    "col_rows_quarantined": ("Set aside", "Disisihkan"),
    "col_rows_duplicate": ("Duplicates", "Duplikat"),
    "col_cells_missing": ("Values set missing", "Nilai dikosongkan"),
    "col_reason": ("Reason", "Alasan"),
    "col_column": ("Field", "Kolom"),
    "col_entries": ("Entries", "Entri"),
    "col_share_income_reselling": ("Share of income from reselling", "Porsi pendapatan dari berjualan ulang"),
    "col_survey": ("Survey (reported)", "Survei (dilaporkan)"),
    "col_platform": ("Platform (commission)", "Platform (komisi)"),
    "wave_m3": ("3 months", "3 bulan"),
    "wave_m6": ("6 months", "6 bulan"),
    "wave_m12": ("12 months", "12 bulan"),
    # --- balance variables ---------------------------------------------------------------------------
    "var_female": ("Share women", "Persentase perempuan"),
    "var_birth_year": ("Year of birth (mean)", "Tahun lahir (rata-rata)"),
    "var_income_before_idr": ("Pre-layoff wage (mean)", "Upah sebelum PHK (rata-rata)"),
    "var_income_baseline_idr": ("Income at registration (mean)", "Pendapatan saat pendaftaran (rata-rata)"),
    "var_sessions_attended": ("Training sessions attended (mean)", "Sesi pelatihan dihadiri (rata-rata)"),
    "var_has_reseller_account": ("Share with a reseller account", "Persentase dengan akun reseller"),
    # --- logframe ------------------------------------------------------------------------------------
    "lf_share_recovered": (
        "Share whose income is at least their pre-layoff wage",
        "Persentase yang pendapatannya minimal sama dengan upah sebelum PHK",
    ),
    "lf_median_recovery_ratio": (
        "Median recovery ratio (income now ÷ pre-layoff wage)",
        "Median rasio pemulihan (pendapatan kini ÷ upah sebelum PHK)",
    ),
    "lf_share_above_min_wage": (
        "Share earning at least the regional minimum wage (UMK)",
        "Persentase berpendapatan minimal upah minimum kabupaten/kota (UMK)",
    ),
    "lf_share_ever_sold": (
        "Share of reseller accounts with at least one completed sale",
        "Persentase akun reseller dengan minimal satu penjualan selesai",
    ),
    "lf_trained": ("Union members trained", "Anggota serikat yang dilatih"),
    "target_not_set": ("target not set", "target belum ditetapkan"),
    "src_survey": ("Follow-up survey, {wave}", "Survei tindak lanjut, {wave}"),
    "src_survey_umk": ("Follow-up survey, {wave}; UMK decrees", "Survei tindak lanjut, {wave}; SK UMK"),
    "src_baseline": ("Registration survey", "Survei pendaftaran"),
    "src_platform": ("Platform order exports", "Ekspor pesanan platform"),
    "src_programme": ("Programme records", "Catatan program"),
    # --- comparisons ---------------------------------------------------------------------------------
    "cmp_gap": (
        "Gap in median recovery ratio, women − men",
        "Selisih median rasio pemulihan, perempuan − laki-laki",
    ),
    "cmp_paired": (
        "Income now − pre-layoff wage (median of the differences)",
        "Pendapatan kini − upah sebelum PHK (median selisih)",
    ),
    "cmp_confederations": (
        "Recovery ratio differs across the confederations shown",
        "Rasio pemulihan berbeda antar konfederasi yang ditampilkan",
    ),
    "test_mw": ("Mann–Whitney U", "Mann–Whitney U"),
    "test_wilcoxon": ("Wilcoxon signed-rank", "Wilcoxon peringkat bertanda"),
    "test_kw": ("Kruskal–Wallis H", "Kruskal–Wallis H"),
    # --- symbols and notes ---------------------------------------------------------------------------
    "legend_hidden": (
        "hidden to protect privacy: a group of fewer than {k} people, or a figure that would let one be "
        "worked out from the others",
        "disembunyikan untuk melindungi privasi: kelompok kurang dari {k} orang, atau angka yang "
        "memungkinkan kelompok itu dihitung dari angka lain",
    ),
    "legend_quantile": (
        "medians and other percentiles are shown only for groups of at least {kq} people (a median of "
        "a few values is one person's value)",
        "median dan persentil lain hanya ditampilkan untuk kelompok minimal {kq} orang (median dari "
        "sedikit nilai adalah nilai satu orang)",
    ),
    "legend_missing": ("no data, or not defined for this group", "tidak ada data, atau tidak terdefinisi"),
    "legend_internal": (
        "internal only: shown here, hidden in the public version ({marks})",
        "hanya internal: ditampilkan di sini, disembunyikan di versi publik ({marks})",
    ),
    "legend_marks": (
        "s: small group; c: complement; q: quantile; d: dominated",
        "s: kelompok kecil; c: komplemen; q: kuantil; d: didominasi",
    ),
    "omitted_empty": (
        "Not shown (nobody in them): {groups}.",
        "Tidak ditampilkan (tidak ada anggota): {groups}.",
    ),
    "hidden_table": (
        "Not published: every group is smaller than {k} people.",
        "Tidak dipublikasikan: setiap kelompok kurang dari {k} orang.",
    ),
    "no_data": ("No data for this section.", "Tidak ada data untuk bagian ini."),
    "no_sales": (
        "No platform order exports: activity and commission cannot be shown.",
        "Tidak ada ekspor pesanan platform: aktivitas dan komisi tidak dapat ditampilkan.",
    ),
    "too_few_accounts": (
        "Fewer than {k} reseller accounts: platform figures are not published.",
        "Kurang dari {k} akun reseller: angka platform tidak dipublikasikan.",
    ),
    "chart_hidden": ("Not shown: {why}", "Tidak ditampilkan: {why}"),
    "why_small": ("every group is smaller than {k} people", "setiap kelompok kurang dari {k} orang"),
    "stamp": (
        "Generated {time} by impact {version} ({commit}). Parameters: {params}.\nInputs: {inputs}.",
        "Dibuat {time} oleh impact {version} ({commit}). Parameter: {params}.\nMasukan: {inputs}.",
    ),
    "stamp_no_commit": ("no git commit", "tanpa commit git"),
    "stamp_no_hashes": ("input hashes not recorded", "hash masukan tidak tercatat"),
    "sum_registered_hidden": (
        "fewer than {k} people registered: too few to show any figure about them",
        "kurang dari {k} orang terdaftar: terlalu sedikit untuk menampilkan angka tentang mereka",
    ),
    "why_small_median": (
        "a median needs at least {k} people with an answer, and fewer than two groups had that many "
        "(or could be shown without letting a smaller group be worked out)",
        "median memerlukan sedikitnya {k} orang yang menjawab, dan kurang dari dua kelompok mencapainya "
        "(atau dapat ditampilkan tanpa membuat kelompok yang lebih kecil dapat dihitung)",
    ),
    "chart_missing": (
        "Not drawn (fewer than {k} people with an answer, too few for a median): {groups}.",
        "Tidak digambar (kurang dari {k} orang yang menjawab, terlalu sedikit untuk median): {groups}.",
    ),
    "why_no_wave": ("no follow-up has answers yet", "belum ada jawaban tindak lanjut"),
    "why_no_sales": ("no platform data", "tidak ada data platform"),
    "why_few_months": ("no month has {kq} active accounts", "tidak ada bulan dengan {kq} akun aktif"),
    "crosstab_not_public": (
        "The confederation × sex breakdown is published only in the internal edition: most of its groups "
        "have fewer than {k} people.",
        "Rincian konfederasi × jenis kelamin hanya ada di edisi internal: sebagian besar kelompoknya kurang "
        "dari {k} orang.",
    ),
    "real_terms_note": (
        "Real terms: the pre-layoff wage is brought to the prices of the interview month with the BPS "
        "consumer price index.",
        "Harga riil: upah sebelum PHK disesuaikan ke harga bulan wawancara dengan indeks harga konsumen BPS.",
    ),
    "nominal_note": (
        "Nominal terms: incomes are compared as reported, not adjusted for inflation.",
        "Harga nominal: pendapatan dibandingkan sebagaimana dilaporkan, tanpa penyesuaian inflasi.",
    ),
    # --- executive summary (impact.publish.narrative) ------------------------------------------------
    "sum_trained": ("{n} union members were trained", "{n} anggota serikat dilatih"),
    "sum_registered": ("{n} registered", "{n} terdaftar"),
    "sum_registered_by_sex": ("{n} registered ({sexes})", "{n} terdaftar ({sexes})"),
    "sum_sexes": ("{women} women, {men} men", "{women} perempuan, {men} laki-laki"),
    "sum_women_rest": (
        "{women} women; {rest} men or sex not stated",
        "{women} perempuan; {rest} laki-laki atau jenis kelamin tidak disebutkan",
    ),
    "sum_men_rest": (
        "{men} men; {rest} women or sex not stated",
        "{men} laki-laki; {rest} perempuan atau jenis kelamin tidak disebutkan",
    ),
    "sum_no_wave": ("no follow-up has answers yet", "belum ada jawaban tindak lanjut"),
    "sum_answered": (
        "{n} answered the {months}-month follow-up ({rate})",
        "{n} menjawab tindak lanjut {months} bulan ({rate})",
    ),
    "sum_answered_by_sex": (
        "{n} answered the {months}-month follow-up ({rate}; {sexes})",
        "{n} menjawab tindak lanjut {months} bulan ({rate}; {sexes})",
    ),
    "sum_median": (
        "At {months} months the median recovery ratio — income last month ÷ pre-layoff wage — was "
        "{median} (n={n}).",
        "Pada {months} bulan, median rasio pemulihan — pendapatan bulan lalu ÷ upah sebelum PHK — adalah "
        "{median} (n={n}).",
    ),
    "sum_recovered": (
        "{share} had an income at least equal to their pre-layoff wage.",
        "{share} berpendapatan minimal sama dengan upah sebelum PHK.",
    ),
    "sum_recovered_together": (
        "{share} had an income at least equal to their pre-layoff wage; together they earned {ros} of "
        "their pre-layoff wages.",
        "{share} berpendapatan minimal sama dengan upah sebelum PHK; bersama-sama mereka memperoleh {ros} "
        "dari total upah sebelum PHK.",
    ),
    "sum_by_sex": (
        "Median recovery ratio: women {women}, men {men}; the gap (women − men) is {gap}.",
        "Median rasio pemulihan: perempuan {women}, laki-laki {men}; selisihnya (perempuan − laki-laki) "
        "{gap}.",
    ),
    "sum_by_sex_hidden": (
        "Figures by sex are not published for the {months}-month follow-up: a group has fewer than {kq} "
        "people with income data, or its figures could be worked out from the others' (people who did "
        "not state their sex are a group of their own).",
        "Angka menurut jenis kelamin tidak dipublikasikan untuk tindak lanjut {months} bulan: ada kelompok "
        "dengan kurang dari {kq} orang berdata pendapatan, atau angkanya dapat dihitung dari angka kelompok "
        "lain (peserta yang tidak menyebutkan jenis kelamin adalah kelompok tersendiri).",
    ),
    "sum_source_survey": ("{share} as participants reported it", "{share} menurut laporan peserta"),
    "sum_source_platform": (
        "{share} in commission recorded by the platform",
        "{share} berupa komisi tercatat di platform",
    ),
    "sum_source_share": (
        "Reselling's share of participants' income last month: {shares}.",
        "Porsi berjualan ulang dalam pendapatan peserta bulan lalu: {shares}.",
    ),
    "sum_source_small": (
        "Reselling made up a small part of participants' income last month: {shares}. Most of the "
        "income, and so most of any recovery, comes from other work.",
        "Berjualan ulang hanya sebagian kecil pendapatan peserta bulan lalu: {shares}. Sebagian besar "
        "pendapatan, dan karena itu pemulihan, berasal dari pekerjaan lain.",
    ),
    # --- caveats (impact.publish.narrative) ----------------------------------------------------------
    "cav_waves": (
        "Follow-ups with answers so far: {waves}.",
        "Tindak lanjut yang sudah ada jawabannya: {waves}.",
    ),
    "cav_waves_missing": ("Not yet available: {waves}.", "Belum tersedia: {waves}."),
    "cav_imbalance": (
        "Those who stopped answering differed at registration — most in {variable} (normalised "
        "difference {nd}; above {large} is large): the figures describe those who kept answering, who "
        "may be doing better or worse than the rest.",
        "Yang berhenti menjawab berbeda saat pendaftaran — terutama dalam {variable} (selisih "
        "ternormalisasi {nd}; di atas {large} berarti besar): angka ini menggambarkan yang terus "
        "menjawab, yang mungkin lebih baik atau lebih buruk dari yang lain.",
    ),
    "cav_small_n": (
        "With {n} people the intervals are wide: a difference smaller than the interval may be chance.",
        "Dengan {n} orang, rentangnya lebar: selisih yang lebih kecil dari rentang bisa kebetulan.",
    ),
    # --- methods and definitions (impact.publish.narrative) ------------------------------------------
    "meth_ratio": (
        "**Recovery ratio** = income last month ÷ last normal monthly wage before the layoff; missing when "
        'either is missing (never counted as "not recovered").',
        "**Rasio pemulihan** = pendapatan bulan lalu ÷ upah bulanan normal terakhir sebelum PHK; kosong bila "
        'salah satunya kosong (tidak pernah dihitung "tidak pulih").',
    ),
    "meth_recovered": (
        "**Recovered** = recovery ratio at least {threshold}.",
        "**Pulih** = rasio pemulihan minimal {threshold}.",
    ),
    "meth_intervals": (
        "**Intervals**: medians and the ratio of sums by percentile bootstrap ({resamples} resamples, fixed "
        "seed); shares by the Wilson method; time to recovery by Kaplan–Meier with Greenwood intervals.",
        "**Rentang**: median dan rasio jumlah dengan bootstrap persentil ({resamples} sampel ulang, benih "
        "tetap); persentase dengan metode Wilson; waktu hingga pulih dengan Kaplan–Meier dan rentang "
        "Greenwood.",
    ),
    "meth_ratio_of_sums": (
        "**All incomes ÷ all pre-layoff wages** (ratio of sums): the group's total income last month "
        "divided by its total pre-layoff wages.",
        "**Total pendapatan ÷ total upah sebelum PHK** (rasio jumlah): total pendapatan kelompok bulan lalu "
        "dibagi total upahnya sebelum PHK.",
    ),
    "meth_time": (
        "**Time to recovery** counts everyone who answered at least once; figures by wave count those who "
        "answered that wave — so the two can differ.",
        "**Waktu hingga pulih** menghitung semua yang pernah menjawab; angka per gelombang menghitung yang "
        "menjawab gelombang itu — sehingga keduanya bisa berbeda.",
    ),
    "meth_min_wage": (
        "**Minimum wage**: the regional minimum wage (UMK) of the participant's district for the interview "
        "year, from the governor's decrees; a district-year without a sourced figure is left missing.",
        "**Upah minimum**: UMK kabupaten/kota peserta untuk tahun wawancara, dari SK gubernur; tahun tanpa "
        "angka bersumber dibiarkan kosong.",
    ),
    "meth_privacy": (
        "**Privacy**: groups smaller than {k} people are not shown, nor figures that would let one be "
        "worked out; medians and other percentiles need {kq} people.",
        "**Privasi**: kelompok kurang dari {k} orang tidak ditampilkan, begitu pula angka yang "
        "memungkinkan kelompok itu dihitung; median dan persentil lain memerlukan {kq} orang.",
    ),
    # --- printed pages (the PDF's running header and footer) ---------------------------------------
    "page_x_of_y": ("page {page} of {pages}", "halaman {page} dari {pages}"),
    # --- the programme report, the impact section, what evidence a report is ------------------------
    **MESSAGES_PROGRAMME,
    # --- the analysts' workbench -------------------------------------------------------------------
    **MESSAGES_WORKBENCH,
}


class Text:
    """Messages and number formats of one language (``en`` or ``id``)."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        self.lang = lang
        self._i = LANGUAGES.index(lang)

    def t(self, key: str, **fields: object) -> str:
        """The message ``key`` in this language, with ``fields`` filled in."""
        text = MESSAGES[key][self._i]
        return text.format(**fields) if fields else text

    # --- names ---------------------------------------------------------------------------------------
    def group(self, dimension: str | None, code: str) -> str:
        """A group's name: ``All``, ``Women``, a confederation's display name."""
        if code in ("all", "All"):
            return self.t("all")
        if dimension == "confederation_gender" and "|" in str(code):
            confederation, gender = str(code).split("|", 1)
            return f"{self.group('confederation', confederation)} · {self.group('gender', gender)}"
        if dimension == "confederation" and code in vocab.CONFEDERATIONS:
            return vocab.CONFEDERATIONS[code]
        if code in MESSAGES:
            return self.t(code)
        return str(code)

    def wave(self, code: str) -> str:
        return self.t(f"wave_{code}") if f"wave_{code}" in MESSAGES else str(code)

    def month(self, d: date) -> str:
        """``September 2023`` / ``September 2023`` (month names in the language)."""
        return f"{_MONTHS[self.lang][d.month - 1]} {d.year}"

    # --- numbers -------------------------------------------------------------------------------------
    def _num(self, value: float, decimals: int) -> str:
        """``1,234.5`` (en) / ``1.234,5`` (id); negatives with a true minus sign (``−0.25``)."""
        text = f"{abs(value):,.{decimals}f}"
        if self.lang == "id":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        negative = value < 0 and any(ch not in "0.," for ch in text)
        return ("\u2212" if negative else "") + text

    def plain(self, value: float | None, decimals: int = 1) -> str:
        """A number without thousands separators (a year: ``1983.1`` / ``1983,1``)."""
        if _missing(value):
            return "–"
        text = f"{float(value):.{decimals}f}"
        return text.replace(".", ",") if self.lang == "id" else text

    def int(self, value: float | None) -> str:
        return "–" if _missing(value) else self._num(float(value), 0)

    def ratio(self, value: float | None) -> str:
        return "–" if _missing(value) else self._num(float(value), 2)

    def pct(self, value: float | None) -> str:
        return "–" if _missing(value) else f"{self._num(100 * float(value), 0)}%"

    def idr(self, value: float | None, *, step: int = 1) -> str:
        """Rupiah, rounded to ``step`` (public money figures are rounded to Rp 1,000)."""
        if _missing(value):
            return "–"
        amount = self._num(round(float(value) / step) * step, 0)
        return f"\u2212Rp {amount[1:]}" if amount.startswith("\u2212") else f"Rp {amount}"

    def p(self, value: float | None) -> str:
        if _missing(value):
            return "–"
        return "<0.001" if value < 0.001 else self._num(float(value), 3 if value < 0.01 else 2)

    def ci(self, estimate: str, low: str, high: str) -> str:
        """``0.70 (0.55–0.96)``; ``−0.25 (−0.49 to 0.19)`` when a bound is negative (a dash between
        negative numbers misreads); the estimate alone when the interval is missing."""
        if "–" in (low, high) or estimate == "–":
            return estimate
        if low.startswith("\u2212") or high.startswith("\u2212"):
            return f"{estimate} ({low} {_TO[self.lang]} {high})"
        return f"{estimate} ({low}–{high})"


#: the word between the bounds of an interval that has a negative bound
_TO = {"en": "to", "id": "s.d."}


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))
    except (TypeError, ValueError):
        return True
