"""Catalogue texts of the programme-level report, the impact section and the evidence statement.

Kept here (key → (English, Bahasa Indonesia)) and merged at the end of
:data:`impact.publish.i18n.MESSAGES`, so that the catalogue stays one lookup while its module
stays short. Every text is looked up through :class:`impact.publish.i18n.Text`.
"""

from __future__ import annotations

__all__ = ["MESSAGES_PROGRAMME"]

MESSAGES_PROGRAMME: dict[str, tuple[str, str]] = {
    # --- what kind of evidence a report is (impact.publish.narrative) -------------------------------
    "cav_evidence_descriptive": (
        "These figures describe the outcomes of participants. Without a comparison group they do not "
        "by themselves measure the programme's effect: incomes may have recovered as the labour "
        "market did.",
        "Angka ini menggambarkan keadaan peserta. Tanpa kelompok pembanding, angka ini sendiri tidak "
        "mengukur dampak program: pendapatan bisa pulih seiring pulihnya pasar kerja.",
    ),
    "cav_evidence_comparison": (
        "A comparison group of {n} people who were not trained was surveyed with the same forms: the "
        "impact section estimates the programme's effect against it (difference in differences); the "
        "other figures describe participants only.",
        "Kelompok pembanding berisi {n} orang yang tidak dilatih disurvei dengan formulir yang sama: "
        "bagian dampak memperkirakan pengaruh program terhadapnya (selisih dari selisih); angka lain "
        "hanya menggambarkan peserta.",
    ),
    "meth_evidence_descriptive": (
        "**What this evidence is**: a description of participants before and after training. There "
        "is no comparison group, so no figure here separates the programme's effect from what would "
        "have happened anyway (the labour market's own recovery, people finding work on their own).",
        "**Jenis bukti**: gambaran peserta sebelum dan sesudah pelatihan. Tidak ada kelompok "
        "pembanding, sehingga tidak ada angka di sini yang memisahkan dampak program dari apa yang "
        "akan terjadi tanpa program (pulihnya pasar kerja, orang menemukan pekerjaan sendiri).",
    ),
    "meth_evidence_comparison": (
        "**What this evidence is**: the participants' figures describe their outcomes; the impact "
        "section compares their change since registration with that of a comparison group that was "
        "not trained (difference in differences), which measures the effect only if both groups' "
        "incomes would otherwise have changed alike (parallel trends).",
        "**Jenis bukti**: angka peserta menggambarkan keadaan mereka; bagian dampak membandingkan "
        "perubahan sejak pendaftaran dengan perubahan kelompok pembanding yang tidak dilatih (selisih "
        "dari selisih), yang mengukur dampak hanya bila tanpa program pendapatan kedua kelompok akan "
        "berubah sama (tren paralel).",
    ),
    # --- the programme report (impact.publish.programme_views) ---------------------------------------
    "prog_title": ("all cohorts", "semua angkatan"),
    "prog_cohorts": ("Cohorts", "Angkatan"),
    "prog_all_cohorts": ("All cohorts", "Semua angkatan"),
    "prog_pooled": ("all cohorts pooled", "semua angkatan digabung"),
    "prog_pooled_over": (
        "Pooled over the cohorts that have reached this follow-up: {cohorts}.",
        "Digabung dari angkatan yang sudah mencapai tindak lanjut ini: {cohorts}.",
    ),
    "prog_col_training": ("Trained in", "Dilatih pada"),
    "prog_col_trained": ("Trained", "Dilatih"),
    "prog_col_due": ("Due", "Jatuh tempo"),
    "prog_col_cohorts": ("Cohorts", "Angkatan"),
    "prog_col_ratio_of_sums": (
        "All incomes ÷ all pre-layoff wages (95% CI)",
        "Total pendapatan ÷ total upah sebelum PHK (SK 95%)",
    ),
    "prog_col_later": ("Later cohort", "Angkatan terbaru"),
    "prog_col_earlier": ("Earlier cohorts", "Angkatan sebelumnya"),
    "prog_col_median": ("Median ratio", "Median rasio"),
    "prog_col_share_difference": (
        "Difference in share recovered, later − earlier (95% CI)",
        "Selisih persentase pulih, terbaru − sebelumnya (SK 95%)",
    ),
    "prog_col_median_difference": (
        "Difference in median ratio, later − earlier (95% CI)",
        "Selisih median rasio, terbaru − sebelumnya (SK 95%)",
    ),
    "prog_contributions_note": (
        "Each cohort's totals are those of its own report; '–': the cohort has not reached that "
        "follow-up yet.",
        "Jumlah tiap angkatan sama dengan laporannya sendiri; '–': angkatan itu belum mencapai "
        "tindak lanjut tersebut.",
    ),
    "prog_participation_caption": (
        "Registered, due a follow-up (their cohort has reached it) and answering",
        "Terdaftar, jatuh tempo tindak lanjut (angkatannya sudah mencapainya) dan menjawab",
    ),
    "prog_comparison_note": (
        "At each follow-up, the cohort trained last is compared with all cohorts trained before "
        "it. Intervals: cluster bootstrap over participants within cohort. Cohorts differ in place, "
        "time and labour market as well as in training: a difference is not by itself an effect "
        "of changes to the programme.",
        "Pada tiap tindak lanjut, angkatan yang dilatih terakhir dibandingkan dengan semua angkatan "
        "sebelumnya. Rentang: bootstrap klaster atas peserta di dalam angkatan. Angkatan berbeda "
        "tempat, waktu dan pasar kerjanya, bukan hanya pelatihannya: selisih bukan dengan sendirinya "
        "akibat perubahan program.",
    ),
    "prog_why_one_cohort": (
        "fewer than two cohorts have answers at any follow-up",
        "kurang dari dua angkatan memiliki jawaban pada tindak lanjut mana pun",
    ),
    "prog_src_survey": (
        "Follow-up survey, {wave}, all cohorts that reached it",
        "Survei tindak lanjut, {wave}, semua angkatan yang sudah mencapainya",
    ),
    "prog_src_survey_umk": (
        "Follow-up survey, {wave}, all cohorts that reached it; UMK decrees",
        "Survei tindak lanjut, {wave}, semua angkatan yang sudah mencapainya; SK UMK",
    ),
    "prog_sec_cohorts": ("The cohorts", "Angkatan-angkatan"),
    "prog_sec_cohorts_intro": (
        "Who each cohort is and what it adds to the pooled figures.",
        "Siapa tiap angkatan dan apa sumbangannya pada angka gabungan.",
    ),
    "prog_sec_participation_intro": (
        "Participants of every cohort by sex and by confederation: registered, due each follow-up, "
        "and answering it.",
        "Peserta semua angkatan menurut jenis kelamin dan konfederasi: terdaftar, jatuh tempo tiap "
        "tindak lanjut, dan yang menjawabnya.",
    ),
    "prog_sec_recovery_intro": (
        "Everyone of every cohort that has reached each follow-up, pooled by months since their training.",
        "Semua orang dari tiap angkatan yang sudah mencapai tindak lanjut, digabung menurut bulan "
        "sejak pelatihan mereka.",
    ),
    "prog_sec_comparison": ("Do later cohorts do better?", "Apakah angkatan berikutnya lebih baik?"),
    "prog_sec_logframe_intro": (
        "The programme's indicators at the latest follow-up every cohort has reached, against the "
        "programme's targets.",
        "Indikator program pada tindak lanjut terakhir yang sudah dicapai semua angkatan, "
        "dibandingkan target program.",
    ),
    "prog_sum_cohorts": ("{n} cohorts", "{n} angkatan"),
    "prog_sum_wave": (
        "{months} months after training, pooled over {cohorts} cohort(s): median recovery ratio "
        "{median} (n={n}); {share} recovered their pre-layoff income.",
        "{months} bulan setelah pelatihan, digabung dari {cohorts} angkatan: median rasio pemulihan "
        "{median} (n={n}); {share} pulih ke pendapatan sebelum PHK.",
    ),
    "prog_sum_later": (
        "At {months} months, {later} differs from the cohorts before it by {diff} in the share recovered.",
        "Pada {months} bulan, {later} berbeda dari angkatan sebelumnya sebesar {diff} dalam "
        "persentase pulih.",
    ),
    "prog_sum_later_unclear": (
        "At {months} months, {later} and the cohorts before it cannot be told apart (difference in "
        "the share recovered {diff}).",
        "Pada {months} bulan, {later} dan angkatan sebelumnya tidak dapat dibedakan (selisih "
        "persentase pulih {diff}).",
    ),
    "prog_evidence_comparison": (
        "Comparison groups ({n} people who were not trained) were surveyed for some cohorts: the "
        "impact section estimates the programme's effect for those cohorts; the other figures "
        "describe participants only.",
        "Kelompok pembanding ({n} orang yang tidak dilatih) disurvei untuk sebagian angkatan: bagian "
        "dampak memperkirakan pengaruh program untuk angkatan tersebut; angka lain hanya "
        "menggambarkan peserta.",
    ),
    "prog_meth_pooling": (
        "**Pooling**: every cohort's participants are counted by months since *their* training; a "
        "figure at 3, 6 or 12 months pools the cohorts that have reached that follow-up, so later "
        "follow-ups pool fewer cohorts.",
        "**Penggabungan**: peserta tiap angkatan dihitung menurut bulan sejak pelatihan *mereka*; "
        "angka pada 3, 6 atau 12 bulan menggabungkan angkatan yang sudah mencapai tindak lanjut itu, "
        "sehingga tindak lanjut yang lebih lama menggabungkan lebih sedikit angkatan.",
    ),
    "prog_meth_intervals": (
        "**Intervals**: cluster bootstrap over participants within cohort ({resamples} resamples, "
        "fixed seed): each cohort keeps its size in every resample, and a person's answers stay "
        "together.",
        "**Rentang**: bootstrap klaster atas peserta di dalam angkatan ({resamples} sampel ulang, "
        "benih tetap): tiap angkatan tetap berukuran sama di setiap sampel ulang, dan jawaban satu "
        "orang tetap bersama.",
    ),
    "prog_meth_comparison": (
        "**Later against earlier cohorts**: at each follow-up, the cohort trained last against all "
        "earlier ones pooled (difference, with its interval).",
        "**Angkatan terbaru dibanding sebelumnya**: pada tiap tindak lanjut, angkatan yang dilatih "
        "terakhir dibandingkan semua angkatan sebelumnya digabung (selisih, dengan rentangnya).",
    ),
    "prog_meth_linked": (
        "**Linked releases**: each cohort's own report is public too; a pooled group is hidden "
        "wherever it would let a group that a cohort's report hides be worked out.",
        "**Rilis yang berkaitan**: laporan tiap angkatan juga publik; kelompok gabungan disembunyikan "
        "bila angka itu memungkinkan kelompok yang disembunyikan laporan angkatan dihitung.",
    ),
    # --- the impact section (impact.publish.impact) ---------------------------------------------------
    "imp_sec": ("Impact against a comparison group", "Dampak dibandingkan kelompok pembanding"),
    "imp_sec_intro": (
        "How much of the participants' recovery is the programme's doing: their change since "
        "registration against that of people who were not trained.",
        "Seberapa besar pemulihan peserta merupakan hasil program: perubahan mereka sejak "
        "pendaftaran dibandingkan perubahan orang yang tidak dilatih.",
    ),
    "imp_none": (
        "No comparison group was surveyed: the programme's effect cannot be estimated from these data.",
        "Tidak ada kelompok pembanding yang disurvei: dampak program tidak dapat diperkirakan dari data ini.",
    ),
    "imp_design": (
        "**Design**: difference in differences. {comparison} union members who were not trained "
        "(the comparison group) answered the same registration and follow-up forms as the "
        "{participants} participants ({cohorts}). The estimate is the participants' change since "
        "registration minus the comparison group's.",
        "**Desain**: selisih dari selisih. {comparison} anggota serikat yang tidak dilatih (kelompok "
        "pembanding) mengisi formulir pendaftaran dan tindak lanjut yang sama dengan {participants} "
        "peserta ({cohorts}). Perkiraannya adalah perubahan peserta sejak pendaftaran dikurangi "
        "perubahan kelompok pembanding.",
    ),
    "imp_assumption": (
        "**Assumption (parallel trends)**: without the training, the participants' incomes would "
        "have changed as the comparison group's did. It cannot be tested directly; if it fails, the "
        "estimate is not the programme's effect.",
        "**Asumsi (tren paralel)**: tanpa pelatihan, pendapatan peserta akan berubah seperti "
        "pendapatan kelompok pembanding. Asumsi ini tidak dapat diuji langsung; bila tidak berlaku, "
        "perkiraan ini bukan dampak program.",
    ),
    "imp_pre_same": (
        "**What the pre-period says**: from the last normal wage to registration, the two groups' "
        "recovery ratios moved alike (difference {value}): consistent with parallel trends, though "
        "one pre-period cannot prove them.",
        "**Bukti periode sebelum**: dari upah normal terakhir hingga pendaftaran, rasio pemulihan "
        "kedua kelompok bergerak serupa (selisih {value}): sejalan dengan tren paralel, meski satu "
        "periode sebelum tidak dapat membuktikannya.",
    ),
    "imp_pre_differ": (
        "**What the pre-period says**: from the last normal wage to registration, the two groups' "
        "recovery ratios moved differently (difference {value}): the groups were not on the same "
        "path before training, so read the estimates with caution.",
        "**Bukti periode sebelum**: dari upah normal terakhir hingga pendaftaran, rasio pemulihan "
        "kedua kelompok bergerak berbeda (selisih {value}): kedua kelompok tidak berada di jalur yang "
        "sama sebelum pelatihan, jadi baca perkiraan ini dengan hati-hati.",
    ),
    "imp_pre_none": (
        "**What the pre-period says**: too few people with a pre-layoff wage and an income at "
        "registration in both groups to compare their paths before training.",
        "**Bukti periode sebelum**: terlalu sedikit orang dengan upah sebelum PHK dan pendapatan saat "
        "pendaftaran di kedua kelompok untuk membandingkan jalur mereka sebelum pelatihan.",
    ),
    "imp_balance_ok": (
        "**Balance at registration**: the largest normalised difference is in {variable} ({nd}; "
        "above {large} is large).",
        "**Keseimbangan saat pendaftaran**: selisih ternormalisasi terbesar ada pada {variable} "
        "({nd}; di atas {large} berarti besar).",
    ),
    "imp_balance_large": (
        "**Balance at registration**: the groups differed, most in {variable} (normalised "
        "difference {nd}; above {large} is large). Difference in differences allows for fixed "
        "differences between the groups, not for different paths.",
        "**Keseimbangan saat pendaftaran**: kedua kelompok berbeda, terutama pada {variable} (selisih "
        "ternormalisasi {nd}; di atas {large} berarti besar). Selisih dari selisih memperhitungkan "
        "perbedaan tetap antarkelompok, bukan perbedaan jalur.",
    ),
    "imp_sum": (
        "Against the comparison group, the programme raised the recovery ratio by {value} at "
        "{months} months (difference in differences).",
        "Dibandingkan kelompok pembanding, program menaikkan rasio pemulihan sebesar {value} pada "
        "{months} bulan (selisih dari selisih).",
    ),
    "imp_sum_unclear": (
        "Against the comparison group, the difference in differences of the recovery ratio at "
        "{months} months is {value}: it cannot be told apart from no effect.",
        "Dibandingkan kelompok pembanding, selisih dari selisih rasio pemulihan pada {months} bulan "
        "adalah {value}: tidak dapat dibedakan dari tanpa dampak.",
    ),
    "imp_before": ("Before the layoff (pre-period)", "Sebelum PHK (periode sebelum)"),
    "imp_registration": ("registration", "pendaftaran"),
    "imp_col_period": ("Compared with registration", "Dibandingkan saat pendaftaran"),
    "imp_col_n_treated": ("Participants (n)", "Peserta (n)"),
    "imp_col_n_comparison": ("Comparison group (n)", "Kelompok pembanding (n)"),
    "imp_col_participants": ("Participants", "Peserta"),
    "imp_col_comparison": ("Comparison group", "Kelompok pembanding"),
    "imp_col_change_treated": ("Participants' mean change", "Rata-rata perubahan peserta"),
    "imp_col_change_comparison": ("Comparison group's mean change", "Rata-rata perubahan pembanding"),
    "imp_col_did": ("Difference in differences", "Selisih dari selisih"),
    "imp_col_did_ci": ("Difference in differences (95% CI)", "Selisih dari selisih (SK 95%)"),
    "imp_col_did_low": ("Difference in differences: low", "Selisih dari selisih: bawah"),
    "imp_col_did_high": ("Difference in differences: high", "Selisih dari selisih: atas"),
    "imp_caption_recovery_ratio": (
        "Recovery ratio: change since registration, participants against the comparison group",
        "Rasio pemulihan: perubahan sejak pendaftaran, peserta dibanding kelompok pembanding",
    ),
    "imp_caption_income_idr": (
        "Monthly income (rupiah): change since registration, participants against the comparison group",
        "Pendapatan bulanan (rupiah): perubahan sejak pendaftaran, peserta dibanding kelompok pembanding",
    ),
    "imp_table_note": (
        "Means over the people observed at registration and at that follow-up. Intervals: cluster "
        "bootstrap over people within cohort and group. The pre-period row compares the change from "
        "the last normal wage to registration (its sign is reversed: registration is the reference).",
        "Rata-rata atas orang yang teramati saat pendaftaran dan pada tindak lanjut itu. Rentang: "
        "bootstrap klaster atas orang di dalam angkatan dan kelompok. Baris periode sebelum "
        "membandingkan perubahan dari upah normal terakhir hingga pendaftaran (tandanya terbalik: "
        "pendaftaran sebagai acuan).",
    ),
    "imp_balance_note": (
        "Normalised difference = difference in means ÷ the square root of the mean of the two "
        "variances; above {large} (in absolute value) is large.",
        "Selisih ternormalisasi = selisih rata-rata ÷ akar rata-rata kedua varians; di atas {large} "
        "(nilai mutlak) berarti besar.",
    ),
    "imp_figure_recovery_ratio": (
        "Event study: effect on the recovery ratio by months since training",
        "Studi peristiwa: dampak pada rasio pemulihan menurut bulan sejak pelatihan",
    ),
    "imp_figure_income_idr": (
        "Event study: effect on monthly income (rupiah) by months since training",
        "Studi peristiwa: dampak pada pendapatan bulanan (rupiah) menurut bulan sejak pelatihan",
    ),
    "imp_var_female": ("Women", "Perempuan"),
    "imp_var_birth_year": ("Birth year", "Tahun lahir"),
    "imp_var_months_since_layoff": ("Months from layoff to training", "Bulan dari PHK hingga pelatihan"),
    "imp_var_income_before_idr": ("Pre-layoff wage", "Upah sebelum PHK"),
    "imp_var_income_baseline_idr": ("Income at registration", "Pendapatan saat pendaftaran"),
    "imp_var_ratio_baseline": ("Recovery ratio at registration", "Rasio pemulihan saat pendaftaran"),
}
