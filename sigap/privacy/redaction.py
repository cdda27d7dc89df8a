"""Redaction of personal data in what reporters type. Pure: text in, text out (no Django; the only I/O is reading
the places list once at import).

Officers read only the redacted text; the original goes to the vault. Each kind of personal data is
replaced by a visible placeholder so the officer knows something was removed.

Kinds, in order of priority when two findings overlap (the union of overlapping findings is removed,
labelled with the kind of highest priority, so nothing half-redacted is left behind):

``email``  ``nama@gmail.com``, ``nama @ gmail.com`` and obfuscations with both an "at" and a "dot"
           (``nama [at] gmail [dot] com``, ``nama(at)yahoo(dot)co(dot)id``, ``nama at gmail dot com``);
           the obfuscated forms need a known top-level domain at the end, which keeps "at"/"dot" prose out.
``nik``    16 digits (NIK, KK number), with or without spaces, dots or dashes between groups; after a
           "NIK/KTP/KK" cue, any 14-18 digits (a mistyped NIK is still one).
``phone``  ``phonenumbers`` (region ID, leniency VALID): 08xx, +62, 62, landlines with area codes, any
           grouping; plus Indonesian mobile numbers the matcher misses (glued to letters: ``hp0812...``,
           odd separators), plus 6+ digits right after a phone cue (telp, hp, wa, hubungi...). Money
           (``Rp 1.500.000``), extensions (``ext. 105``), dates and times are left alone.
``plate``  Indonesian plates ``B 1234 XYZ``, ``B1234XYZ``, ``B-1234-XYZ``, ``D 12 AB``, ``AB 1234 CD``:
           a real region code (so "RT 05", "KM 5", "No. 14" are not plates), 1-4 digits, 1-3 letters
           that are not a unit or a common word; glued forms need 2+ digits and 2+ letters (so "P3K",
           "K3L" stay); a plate without letters only right after "plat/nopol/nomor polisi".
``handle`` ``@someone``; ``IG: someone``, ``ig @someone``, ``twitter: ...``, ``tiktok ...``, ``fb: Display
           Name``; profile URLs (``instagram.com/someone``). Every handle, also an agency's: a mention of a
           neighbour's account identifies as much as their name, and officers don't need either.
``house``  the house number after ``No``/``Nomor``/``Nmr``/``#`` (``No. 14``, ``nomor 14A``, ``no 3/5``,
           ``No. 45-A``) and apartment ``unit 12-07``; the street, block (``Blok C2``), RT/RW, kelurahan
           and landmarks stay. Not a house: numbers of poles, counters, queues, reports, laws (``Perda
           No. 8 Tahun 2007``), emergency numbers.
``name``   (1) the reporter's own names (``names=``): the full name anywhere, case-insensitive, and each
           part of 3+ letters that is not an honorific, also first or last name only; short forms of a
           long part (4+ letters: "Gisel" for Gisella, "Harti" for Suharti); a part spelled letter by
           letter ("B-U-D-I", "b u d i", "B.U.D.I", "be u de i"); a part that is a common word ("Indah",
           "Teguh") when capitalised, or lowercase when it introduces the writer ("ini teguh.", "- tulus",
           "bunga warga Kalibata"); a part glued to another capitalised word that is not part of the
           reporter's name (``Setia Budi``, ``Jl. Budi Utomo``) is a place, not them -- unless that word is
           a verb asking to reach someone ("Hubungi Budi di rumah", "Temui Budi"), or an ordinary word
           opening the sentence.
           (2) a name after an honorific (Pak, Bu, Mas, Mbak, Bang, Kak, H., Hj., Haji, Sdr., Koh, Cik,
           Ustadz, Abah, Ceu, Teh, Bli, Mak, police and military ranks such as Kompol or Serka, ...; chains
           such as ``Pak Haji Sanusi``, ``Bapak Drs. Suparno``, ``Bu Lurah Yanti``, ``Pak Satpam Ruslan``):
           capitalised words, or -- in lowercase chat -- up to two words that are not common Indonesian
           words, roles ("pak rt", "bu lurah", "pak ogah") or affixed verbs. After "Lurah", "Camat",
           "Satpam"... a kelurahan, kecamatan or kota name (``data/jakarta_places.txt``) is the office of a
           place ("Pak Lurah Manggarai"), not a person. An honorific ending a sentence ("Terima kasih, Neng.
           Panggil petugas") takes only a real name after it.
           (3) after an introduction: "nama saya", "bernama", "namanya", "atas nama", "a.n.", "perkenalkan",
           "Nama X", "bin/binti X", "dipanggil X", "saya yang lihat, X", sign-offs ("Hormat saya,",
           "Wassalam,", "ttd", "- nico" at the end of a line), and "saya/aku Budi" with a capitalised name
           (lowercase "saya budi" only when followed by "warga/dari/tinggal/..."); "tetangga saya Joko",
           "pelakunya Rudi", "ibunya Raka", "saksinya Darto" (a person noun with a possessive, then a
           capitalised name); a second person joined by "dan/sama/&" to a name found ("Putu Ayu dan Komang
           Adi"); after a speaker label ("Pelapor: ...") only a word that is not an ordinary one. Capital
           letters joined by hyphens ("F-A-D-L-I") are a name being spelled, whoever's it is.
           (4) after a label that asks for a person, then ":" or " - ", opening a line, a clause or an Open311
           answer (which reach the description as "<question>: <answer>"): kontak (di lokasi), narahubung, cp,
           saksi, yang melihat, penanggung jawab, pemilik ..., pelaku, korban, ketua RT, petugas yang melayani
           (a bare "Petugas:" or "Operator:" is a speaker in a call transcript), nama ... (not "nama jalan/toko"),
           contact, witness, owner: the whole answer when it is 1-4 words that are not ordinary ones (also
           lowercase: "kontak: ratna sari dewi"), else the capitalised words. And whatever the label,
           "<label>: <2-4 Capitalised Words>" closing a line or an Open311 answer ("Ditegur oleh: Fransiska
           Lumbantobing"), unless the label asks for a thing or a place ("Lokasi", "Kategori", "Jenis
           kendaraan", "Tembusan") or a word is an ordinary one. In both, words that start a Jakarta place name
           or name an agency, company, brand or month ("Kebon Kacang", "Sudin Bina Marga", "PLN UP3 Menteng",
           "Honda Beat"; an acronym of 2-4 capitals among other words) stay.
           Street and place names are never names: an honorific or a
           reporter's name right after Jalan/Jl./Gang/Gg./Masjid/Pasar/RS/Asrama/Kelurahan/... (titles
           in between allowed: ``Jl. KH. Mas Mansyur``, ``Jl. H. Naman``, ``Gang Haji Ung``) stays, and so
           does a business named after its owner when written as a name ("Warung Pak Kumis", "Soto Betawi
           H. Ma'ruf"): it is a landmark officers need. Lowercase chat ("pak slamet", "bu dewi") is redacted
           like capitalised text, because that is how most WhatsApp reports are typed; the price is that
           lowercase names that are also ordinary words ("mas bagus", "pak jaya") are missed.

Numbers read out in words, as call-centre operators type them: a run of 6+ digit words or digit groups
("nol delapan satu dua, tiga empat ...", "0815 nol tujuh ...") of 8-15 digits is a phone number, of 16 (or
14-18 after NIK/KTP/KK) a NIK; "nomor dua puluh tujuh" in an address is a house number; "B empat lima enam
tujuh U O A" is a plate.

Not found (known limits): a bare name with no cue ("Kemarin Slamet yang jaga parkir"; a given-names list was
tried as a finder and not adopted: on the labelled sets it found almost nothing more and took month names and
saints in church names; ``data/given_names.txt`` only guards names written in lower case or capitals after a cue), nicknames that share no letters with the name given ("Kiki" for Rizki, unless the reporter gave
it), names after an owner's business or market name ("Lurah Pasar Baru Pak Sumanto"), house numbers written
without No/Nomor ("Jl. Kenari 5"; cut only after the writer's own home: "rumah saya di Jl. Kenari 5"), a plate split across words, a name after a label the lists above do not know
when more words follow it on the line ("Ditegur oleh: Fransiska Lumbantobing kemarin sore").
``bench/redaction.py`` measures the rules on ``data/redaction_set.jsonl`` and on the registers set written before
the rules were read (``data/redaction_registers_{dev,test}.jsonl``).

The result is idempotent: placeholders contain nothing any rule matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import phonenumbers
from rapidfuzz.distance import Levenshtein

PLACEHOLDER = {
    "phone": "[nomor telepon disembunyikan]",
    "email": "[email disembunyikan]",
    "nik": "[NIK disembunyikan]",
    "plate": "[nomor kendaraan disembunyikan]",
    "handle": "[akun disembunyikan]",
    "name": "[nama disembunyikan]",
    "house": "No. [disembunyikan]",
    "office": "[jabatan disembunyikan]",
}
KINDS = ("email", "nik", "phone", "plate", "handle", "house", "office", "name")  # priority order on overlap
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}


@dataclass
class Redacted:
    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# --------------------------------------------------------------------------------------------------
# Lexicons. Lowercase. Kept general: Indonesian function words, roles, places and everyday vocabulary
# of complaints, so that "pak rt", "bu yang jualan", "mas tolong" are not taken for names.
# --------------------------------------------------------------------------------------------------

# Never a name, even capitalised ("Tolong Pak, ...", "Mohon Bu Segera").
_FUNCTION = _words("""
yang yg dan atau di ke dari dr untuk utk buat bwt dengan dgn sama sm ini itu tsb tersebut saya sy aku gue gw gua
kami kita kamu km anda dia beliau mereka nya juga jg sudah udah udh dah sdh telah belum blm belom tidak tdk tak
gak ga gk nggak ngga enggak engga kagak bukan mohon tolong tlg tolongin terima makasih trims thanks thx maaf mf
permisi selamat salam halo hallo hai hi assalamualaikum assalamu'alaikum ass wassalam mau mo ingin pengen pingin
bisa bs boleh harus hrs akan bakal lagi lg masih msh pun lah dong deh sih kok ya yah iya iy ok oke okay kalau
kalo klo jika jikalau karena krn karna soalnya tapi tp namun pada para semua smua sekalian sekali banget bgt ada
adalah punya kata katanya bilang tadi td kemarin kmrn kemaren besok sekarang skrg skrng nanti ntar dulu baru lama
kapan dimana mana siapa apa apakah gimana gmn bagaimana kenapa knp mengapa berapa brp yth terhormat selaku sebagai
segera sgr langsung cuma cuman hanya saja aja doang tuh nih kan toh oh eh wah lho loh kah jangan jgn pernah sering
selalu tiap setiap the and is of to a an in on for at by it with as or be this that please pls plis mr mrs ms
juga agar supaya biar sampai sampe hingga sejak dari antara oleh tentang terhadap dalam luar atas bawah depan
belakang samping sebelah dekat deket jauh sini situ sana tsb dll dsb dst dkk pd dg utk krn yaitu yakni bahwa
kemudian lalu terus trus trs habis abis setelah sebelum sesudah ketika saat waktu sewaktu selama sambil serta
begitu gitu gini begini kayak kaya seperti spt mungkin kayaknya sepertinya tampaknya memang emang mmg benar bener
betul salah cukup sangat amat paling lebih kurang makin semakin terlalu agak sedikit dikit banyak byk beberapa
para seluruh tiap-tiap masing-masing semuanya hal tolonglah mohonlah silakan silahkan monggo mari ayo yuk
ok sip siap mantap mantab sukses semoga amin aamiin insyaallah alhamdulillah astaghfirullah innalillahi
swastiastu punten sampurasun horas shalom rahayu wr wb
""")

# Roles and titles-as-roles: "Pak RT", "Bu Lurah", "Pak Polisi", "bang ojol", "pak ogah".
# offices and ranks written between an honorific and the name: "Pak Bhabin Slamet", "Pak Kanit Hendra"
_ROLES_BEFORE_A_NAME = _words("""
bhabin babin sekcam sekel seklur jumantik muadzin takmir kepling danru kasatpol dukuh kanit kasat kapolda
wakapolsek sekda wagub walkot pangdam dandim carik modin kamituwo jogoboyo kapus kalak satgas kasatgas korlap kasir
lebe pamong letnan kopral brigadir
""")
_ROLES = (
    _words("""
rt rw lurah camat wali walikota wakil gubernur gub bupati presiden menteri dirut direktur kepala kades kadis
kasudin kasie kasi kabid kasubag kabag ketua sekretaris sekre bendahara polisi pol polantas polsek polres
satpam security sekuriti hansip linmas satpol petugas pegawai staf staff karyawan admin min mimin dokter dok
bidan perawat suster mantri guru dosen kepsek ustadz ustad ustaz ustadzah kyai kiai haji hajjah hj pendeta
pastor romo imam marbot mandor supir sopir driver ojol ojek kurir tukang pedagang penjual pembeli pemilik owner
bos boss manager manajer spv supervisor hrd dewan anggota kapolsek kapolres danramil babinsa bhabinkamtibmas
jukir juru preman warga tetangga dinas sudin kelurahan kecamatan kota pemkot pemprov pemda ogah jago pejabat
aparat oknum tni camatnya lurahnya direksi komandan sekdes kaling kadus tua muda haji-haji bapak ibu pak bu
mas mbak bang kak om tante rt/rw ketuanya pengurus pengelola developer kontraktor pemborong penghuni pelapor
terlapor korban pelaku saksi sekuriti pengacara hakim jaksa wartawan mahasiswa pelajar siswa murid anak cucu
komite panitia paguyuban forum komunitas operator op pel petugasnya pelapornya penelepon
suami istri ayah bunda adik kakak abang paman bibi nenek kakek keluarga teman kawan sahabat pacar mertua
""")
    | _ROLES_BEFORE_A_NAME
)

# Places: ends a name, starts a protected place phrase.
_PLACE_PREFIXES = _words("""
jl jln jalan gg gang lorong masjid mesjid musala mushola musholla mushala langgar surau pasar asrama rs rsud rsia
rsu rumah-sakit sekolah sd sdn smp smpn sma sman smk smkn madrasah mi mts ma pesantren ponpes pondok yayasan
makam tpu taman kampung kp komplek kompleks perumahan perum gedung stasiun halte terminal universitas kampus
institut jembatan kali sungai pintu tol kelurahan kel kecamatan kec kota kab kabupaten gelanggang lapangan gor
wisma plaza mall mal apotek klinik puskesmas kantor gereja vihara pura klenteng pura rusun rusunawa apartemen
tower blok kav kavling ruko pertigaan perempatan simpang bundaran flyover underpass jpo kolong bantaran danau
setu situ waduk pantai pulau tanjung muara bukit gunung lembah hutan
warung toko bengkel kedai depot rm warteg kantin bakso soto sate mie nasi martabak pecel ayam sop salon laundry
""")

# Verbs that ask the officer to reach someone ("Hubungi Budi di rumah", "Temui Pak RT"): never part of a proper noun,
# so a capitalised one next to a reporter's name does not make that name a place.
_CONTACT_VERBS = _words("""
hubungi hubungin hubungilah kontak telepon telpon telfon tilpon telponin panggil kabari kabarin temui temuin jumpai
datangi samperin cari tanya tanyakan tanyain tanyai ajak jemput ikuti japri sampaikan beritahu sms chat
""")

# Everyday vocabulary: lowercase words after an honorific that are not names ("bu warung", "pak buang").
_COMMON = (
    _FUNCTION
    | _ROLES
    | _PLACE_PREFIXES
    | _words("""
kena kabur demam pingsan tewas luka hilang kelas umur tipu lari pekerti
jalan jln rumah rmh got selokan saluran sampah air banjir genangan lampu listrik kabel tiang pohon dahan ranting
warung toko kios lapak pasar masjid sekolah kantor gang rt rw trotoar aspal lubang jembatan kali sungai
parkir parkiran motor mobil truk bus angkot bajaj sepeda becak gerobak kendaraan plat pelat nomor no hp wa telp
buang bakar bangun bikin buat tutup buka jual beli bayar minta ambil angkut bersih bersihin bersihkan rusak
mampet macet bocor roboh tumbang jatuh jatoh ambles retak pecah patah mati nyala padam hidup gelap terang bau
busuk kotor bising berisik ribut galak marah kasar baik ramah jahat nakal rajin malas males lapor laporan
melapor melaporkan ngelapor pengaduan aduan keluhan komplain masalah kasus kejadian info informasi kabar berita
bantu bantuan tolong cek dicek periksa lihat liat tahu tau kenal paham ngerti denger dengar kasih kasi kirim
pergi datang dateng pulang masuk keluar naik turun lewat jalan-jalan kerja bekerja kerjaan gaji upah lembur
sakit sehat hamil lahir meninggal wafat almarhum almarhumah tinggal ngontrak ngekos kos kontrakan rumahnya
tadi pagi siang sore malam malem subuh maghrib isya dzuhur ashar hari minggu bulan tahun jam menit detik senin
selasa rabu kamis jumat sabtu kemarin besok lusa sekarang nanti barusan tadi-tadi hujan panas angin petir
teriak nangis ketawa senyum duduk berdiri tidur bangun makan minum mandi nyuci masak nyapu sapu pel
itu ini sini situ sana dia dia-nya beliau orang org warga tetangga anak bocah cewek cowok laki perempuan pria
wanita ibu-ibu bapak-bapak lansia bayi balita keluarga saudara saudaranya temen teman kawan
besar kecil gede tinggi rendah panjang pendek lebar sempit dalam dangkal baru lama tua muda bagus jelek indah
cantik ganteng keren parah banget sekali sangat amat cukup lumayan biasa aneh bahaya berbahaya rawan aman
untung rugi teguh jaya sejahtera makmur setia murni bersih suci sabar ikhlas bahagia senang sedih susah
gampang mudah sulit berat ringan cepat lambat lama lelet telat tepat benar salah jujur bohong
pinggir tengah ujung pojok sudut atas bawah depan belakang samping sebelah seberang dekat deket jauh
kawin nikah nikahan kawinan hajatan pesta acara kegiatan kerja-bakti kerjabakti arisan pengajian ronda
kota negara pusat daerah wilayah kawasan lingkungan lokasi tempat titik area zona
pkk karang taruna posyandu puskesmas bansos blt dtks ktp kk nik sim stnk bpkb
pungli pungutan iuran retribusi sewa uang duit biaya ongkos tarif harga
polisi tentara satpol-pp damkar pemadam ambulans
emas perak besi kayu batu tanah pasir semen bata genteng seng atap pagar tembok dinding pintu jendela lantai
yang-punya punya pemilik milik miliknya punyanya sendiri bersama bareng rame ramai sepi
mulu melulu terus-terusan lagi-lagi kali kalinya pertama kedua ketiga terakhir
sobat guys gan sis bro bray cuy coy woi woy oi hey
kesel kesal capek cape bingung heran takut khawatir kuatir kecewa marah bosen bosan malu resah gelisah panik stres
lapor ngadu mengadu tanya nanya nanyain minta mohon protes keberatan setuju senang puas sabar nunggu menunggu
tunggu ngecek cek ngurus urus bantu nolong ngomong omong cerita curhat kerja sekolah kuliah dagang jualan belanja
liat lihat nonton denger dengerin baca tulis foto video rekam kirim upload posting share viral
pulang pergi berangkat sampai sampe nyampe lewat mampir nginep tidur bangun
nol kosong satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus ribu juta
longsor amblas ambruk rob pipa
""")
    | _CONTACT_VERBS
)

# Honorifics. Case-insensitive ones work in chat ("pak slamet"); the rest only capitalised, because their
# lowercase forms are ordinary words ("haji" = the pilgrimage, "teh" = tea, "uda" = "udah").
_HON_ANYCASE = (
    "bapak",
    "bpk",
    "pak",
    "ibu",
    "bu",
    "mas",
    "mbak",
    "mba",
    "mbk",
    "bang",
    "abang",
    "kak",
    "om",
    "tante",
    "sdr",
    "sdri",
    "saudara",
    "saudari",
    "koh",
    "cik",
    "engkong",
    "ncang",
    "encang",
    "encing",
    "mpok",
    "ustadz",
    "ustad",
    "ustaz",
    "ustadzah",
    "hj",
    "hajjah",
    "kang",
    "akang",
    "neng",
    "mbah",
    "eyang",
    "opa",
    "oma",
    "pakde",
    "bude",
    "budhe",
    "bulik",
    "paklik",
    "babe",
    "babeh",
    "cak",
    "mang",
    "abah",
    "ceu",
    "bli",
)
# Police and military ranks count as honorifics too ("Kompol Sugiarto", "Serka Wahyudi"); streets named after
# officers ("Jl. Kapten Tendean", "Jl. Letjen Suprapto") stay, like every honorific in a place name.
_RANKS = (
    "Kompol",
    "AKP",
    "AKBP",
    "Kombes",
    "Iptu",
    "Ipda",
    "Aiptu",
    "Aipda",
    "Bripka",
    "Brigpol",
    "Briptu",
    "Bripda",
    "Bharada",
    "Serka",
    "Sertu",
    "Serda",
    "Serma",
    "Pelda",
    "Peltu",
    "Kopda",
    "Koptu",
    "Kopka",
    "Praka",
    "Pratu",
    "Prada",
    "Letda",
    "Lettu",
    "Kapten",
    "Mayor",
    "Letkol",
    "Kolonel",
    "Brigjen",
    "Mayjen",
    "Letjen",
    "Jenderal",
)
_HON_CAPITAL = (
    "Haji",
    "Ko",
    "Ci",
    "Uda",
    "Uni",
    "Aa",
    "Kyai",
    "Kiai",
    "Habib",
    "Mr",
    "Mrs",
    "Ms",
    "Romo",
    "Nyai",
    "Teh",
    "Mak",
    "Dek",
    "Nek",
    "Kek",
    "Wak",
    "Uwak",
    "Opung",
    "Ompung",
    "Inang",
    "Amang",
    "Gus",
    "Pendeta",
    "Suster",
    "Bruder",
) + _RANKS
_HON_DOTTED = (
    "Dr",
    "dr",
    "Drs",
    "Dra",
    "Ir",
    "Prof",
    "H",
    "h",
    "Hj",
    "KH",
    "Pdt",
)  # only with a dot: "dr" is also "dari"
# Titles that may sit between a place prefix and its name ("Jl. KH. Mas Mansyur", "Jl. Letjen S. Parman").
_TITLES = (
    r"(?:H|Hj|KH|K\.H|Dr|dr|Drs|Ir|Prof|Haji|Hajjah|Kyai|Kiai|Habib|Letjen|Mayjen|Brigjen|Jend|Jenderal|Kapten|"
    r"Kolonel|Marsekal|Laksamana|Pangeran|Raden|R|Ki|Nyi|Teuku|Tengku|Cut|Tjut|Sultan|Sunan|H\.R)"
)


def _alt(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_HON_RE = re.compile(
    r"(?<![\w\-./@])(?:(?i:"
    + _alt(_HON_ANYCASE)
    + r")\.?|(?:"
    + _alt(_HON_CAPITAL)
    + r")\.?|(?:"
    + _alt(_HON_DOTTED)
    + r")\.)(?=[ \t])"
)
# After an honorific, more honorifics or RT/RW may follow before the name: "Pak Haji Sanusi", "Pak RT Sukardi".
# Roles that may stand between an honorific and a name ("Bu Lurah Yanti", "Pak Satpam Ruslan", "Pak Ustadz Hamid");
# what follows them may also be a place ("Pak Lurah Manggarai"), checked against the places list.
_CHAIN_ROLES = (
    "lurah",
    "camat",
    "satpam",
    "ustadz",
    "ustad",
    "ustaz",
    "ustadzah",
    "dokter",
    "dok",
    "guru",
    "bidan",
    "kades",
    "kapolsek",
    "babinsa",
    "mandor",
    "ketua",
    "wakil lurah",
    "sekretaris lurah",
    *_ROLES_BEFORE_A_NAME,  # "Pak Bhabin Slamet", "Pak Kanit Hendra": the role, then the name
)
_HON_CHAIN = re.compile(
    r"[ \t]+(?:(?i:"
    + _alt(_HON_ANYCASE + ("haji", "ketua rt", "ketua rw", "rt", "rw") + _CHAIN_ROLES)
    + r")\.?|(?:"
    + _alt(_HON_CAPITAL)
    + r")\.?|(?:"
    + _alt(_HON_DOTTED)
    + r")\.)(?=[ \t])"
)
_HON_TOKENS_LOWER = {h.lower() for h in _HON_ANYCASE + _HON_CAPITAL + _HON_DOTTED}

_TOKEN = re.compile(r"[ \t]*((?:[A-Z]\.(?![A-Za-z]{2}))|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)?)")
# Affixed Indonesian words (verbs, nominalisations): "menindaklanjuti", "dibantu", "kemasukan", "rumahnya".
_AFFIXED = re.compile(
    r"^(?:(?:mem|men|meng|meny)[a-z]{4,}|me[lrwy][a-z]{4,}|(?:ber|ter)[a-z]{4,}|(?:pen|pem|peng|peny)[a-z]{4,}"
    r"|di[a-z]{5,}|ke[a-z]{3,}an|[a-z]{3,}(?:kan|nya))$"
)


_ELONGATED = re.compile(r"(\w)\1+$")  # "tolongg", "bgttt": chat stretches the last letter


def _is_common(word: str) -> bool:
    w = word.lower().strip("'’")
    return w in _COMMON or bool(_AFFIXED.match(w)) or _ELONGATED.sub(r"\1", w) in _COMMON


def _case(word: str) -> str:
    if word.endswith("."):
        return "initial"
    if len(word) > 1 and word.isupper():
        return "upper"
    if word[0].isupper():
        return "title"
    return "lower"


# Place context: the text before a candidate ends with a place prefix and optional titles/capitalised words.
# Street and worship-place words count in any case ("gg. hj. sanusi"); the others only capitalised, since
# "kali", "situ", "pintu", "kota" are also ordinary words ("sudah 3 kali pak budi datang").
_PLACE_ANYCASE = (
    "jl",
    "jln",
    "jalan",
    "gg",
    "gang",
    "lorong",
    "masjid",
    "mesjid",
    "musala",
    "mushola",
    "musholla",
    "mushala",
    "langgar",
    "surau",
    "pasar",
    "asrama",
    "komplek",
    "kompleks",
    "perumahan",
    "perum",
    "kelurahan",
    "kel",
    "kecamatan",
    "kec",
    "kampung",
    "kp",
    "makam",
)


def _place_before(prefixes) -> re.Pattern:
    """A place word (any case for streets and worship places, else capitalised or an upper-case abbreviation),
    titles or capitalised words after it, ending where a name would start."""
    return re.compile(
        r"(?:^|[^\w])(?:(?i:"
        + _alt(_PLACE_ANYCASE)
        + r")|(?:"
        + _alt(p.capitalize() for p in prefixes if "-" not in p and p not in _PLACE_ANYCASE)
        + r"|"
        + _alt(p.upper() for p in prefixes if len(p) <= 4 and "-" not in p)
        + r"|Rumah[ \t]+Sakit))"
        r"(\.?)[ \t]+(?:" + _TITLES + r"\.?[ \t]+|[A-Z]\.[ \t]+|[A-Z][\w'’\-]*[ \t]+){0,3}$"
    )


_PLACE_BEFORE = _place_before(_PLACE_PREFIXES)
# the place words a dot may follow ("Jl. Budi", "Kel. Sunter Jaya"): abbreviations, not every short word ("gang.",
# "pasar." end a sentence: "Got mampet di gang. Siti Aminah" is a sign-off, found by a review)
_PLACE_ABBREVIATED = frozenset(p for p in _PLACE_PREFIXES | set(_PLACE_ANYCASE) if len(p) <= 4) - _words("""
ayam blok gang kali kota mal mall mie nasi pura ruko sate setu situ sop soto toko tol
""")


# Businesses are named after their owners ("Warung Pak Kumis"): a landmark when it is someone else's, the reporter
# when the name is their own ("Saya pemilik Toko Budi Santoso", reporting who extorts their shop). For the
# reporter's own name only streets, areas and public places count.
_BUSINESS_PREFIXES = _words("""
warung toko bengkel kedai depot rm warteg kantin bakso soto sate mie nasi martabak pecel ayam sop salon laundry
apotek klinik ruko wisma yayasan
""")
_PLACE_BEFORE_OWN = _place_before(_PLACE_PREFIXES - _BUSINESS_PREFIXES)


_RIGHT_AFTER_PLACE_WORD = re.compile(
    r"(?i)(?:^|[^\w])(?:" + _alt(_PLACE_PREFIXES - _BUSINESS_PREFIXES) + r")\.?[ \t]+$"
)


# The reporter's full name counts as a street's name only right after the place word, titles allowed ("Jalan Agus
# Salim", "Jl. H. Agus Salim"): after a whole street's name ("Gang Mawar Siti Aminah") it is the writer (found by
# a review). A lone part keeps the wider rule: cutting "Salim" out of "Jalan Haji Agus Salim" would tell the officer.
# What may stand between a place word and a name that is the place's own ("Jalan Raya Agus Salim", "Masjid Jami
# Nurul Huda", "Jl. H. Agus Salim"): titles, initials and the words streets and mosques add.
_PLACE_NAME_TAIL = re.compile(
    r"[ \t]*(?:(?:"
    + _TITLES
    + r"|HR|MH|Raya|Jami'?|Jamik|Agung|Besar|Baru|Utama|Lama|Al|At|An|Ar|As|Ad|Tuanku|Bung|Ibu|Tol|Layang|"
    r"Inspeksi|Muda|Islam|Pesantren|Ibtidaiyah|Tsanawiyah|Aliyah|Negeri|Swasta|Umum|Taman|Dasar|Menengah|Pertama|"
    r"Atas|Kejuruan|Modern|Terpadu|Daerah|Dalam|Kota|Letnan|Sakit)\.?[ \t]+|[A-Z]\.[ \t]*)*"
)
# what a resident says of themselves before their street ("Saya warga Gang Mawar Siti Aminah"): only then is a full
# name after the street's whole name taken for the writer
_RESIDENT_BEFORE = re.compile(
    r"(?i)(?:^|[^\w])(?:warga|penghuni|penduduk|dari|dr|salam|ttd|hormat[ \t]+(?:saya|kami)|saya|kami|pedagang|"
    r"terima[ \t]+kasih|makasih|trims|wassalam|tinggal[ \t]+di|alamat)[ \t,:\n]+$"
)
_FAMILY_OR_AREA = _words("kel kp gg gang kampung")
_BLOCK_DESIGNATOR = re.compile(r"[ \t]*[A-Z0-9]{1,3}(?:[-/][A-Z0-9]{1,3})?[ \t]+")
# What a sign-off ends with: the end of the text or the line, punctuation, or "warga", "dari", "RT" ...
_SIGN_OFF_END = re.compile(
    r"[ \t]*(?:$|[\n,.;:!?)(]|(?i:warga|dari|rt|rw|dan|yang|mohon|mau|ingin|lapor|melapor|melaporkan)(?!\w))"
)


def _kept_as_place(text: str, start: int, end: int) -> bool:
    """Whether the reporter's full name at ``text[start:end]`` is a place's name and stays. Right after the place
    word, titles allowed, it is ("Jalan Agus Salim"; cut there, the placeholder would tell the officer which words
    are theirs). After a whole street's name ("Gang Mawar Siti Aminah") it is the writer when it ends the
    sentence, the line or the text, as a sign-off does (found by a review: kept whole), and a place otherwise
    ("Jalan Mawar Siti Aminah depan sekolah")."""
    m = _place_match(text, start, own=True)
    if m is None:
        return False
    first = m
    # the place word nearest the name counts: "Jl. Ciledug Universitas Budi Luhur" names the university
    for _ in range(8):
        nearer = _PLACE_BEFORE_OWN.search(text, m.start() + 1, start)
        if nearer is None or not _dot_after_abbreviation(text, nearer):
            break
        m = nearer
    resident_here = _resident_before(text, m)
    said = _WORD_BEFORE.findall(text, _word_start(text, m), m.end(1))
    if said and said[0].lower() in _FAMILY_OR_AREA and (text[start].islower() or resident_here):
        # "hormat kami kel budi santoso", "Salam, Kel. Budi Santoso": "kel" is a family (keluarga) as often as a
        # kelurahan, and a kampung or a gang is seldom named after a whole person (found by a review)
        return False
    if _PLACE_NAME_TAIL.fullmatch(text, m.end(1), start):
        return True
    if _BLOCK_DESIGNATOR.fullmatch(text, m.end(1), start):
        return False  # "Rusun Marunda Blok A Siti Aminah": a block's letter, then the writer
    # a street whose name already has two words or more ("Jalan Bendungan Hilir Raya Siti Aminah", "Jl. Kebon
    # Jeruk Raya Budi Santoso mau lapor"): the name after it is no part of it, wherever it stands; one word
    # ("Jalan Mohammad Husni Thamrin", "Jalan Mawar Siti Aminah depan sekolah") may be the person's first name
    if len(_WORD.findall(text, m.end(1), start)) >= 2:
        return False
    resident = resident_here or (first is not m and _resident_before(text, first))
    return not (_SIGN_OFF_END.match(text, end) and resident)


def _resident_before(text: str, m: re.Match) -> bool:
    """Whether the writer says they live at the place matched by ``m`` ("Saya warga Gang …", "tinggal di …")."""
    word = _word_start(text, m)
    return bool(_RESIDENT_BEFORE.search(text, max(0, word - 30), word))


def _word_start(text: str, m: re.Match) -> int:
    """Where a place match's word starts (the pattern begins with the character before it)."""
    return m.start() + (1 if m.start() and not text[m.start()].isalnum() else 0)


def right_after_place_word(text: str, start: int) -> bool:
    """Whether the word at ``start`` comes right after a street's or an area's word ("Jalan Kenanga", "gg mawar"):
    a reporter's value written there as one plain word is a street's name, and cutting it would tell an officer
    which word is theirs (found by a review: "Jalan [email disembunyikan]"). Only the word right after: after more
    words ("Gg. Kenanga Hormat kenanga") it may be a sign-off."""
    return bool(_RIGHT_AFTER_PLACE_WORD.search(text, max(0, start - 30), start))


def _place_match(text: str, start: int, *, own: bool = False) -> re.Match | None:
    m = (_PLACE_BEFORE_OWN if own else _PLACE_BEFORE).search(text, max(0, start - 60), start)
    return m if m and _dot_after_abbreviation(text, m) else None


def _dot_after_abbreviation(text: str, m: re.Match) -> bool:
    """A place word's match stands unless a dot follows a word that is no abbreviation: "Jl. Budi" is a street,
    "nutupin jalan. bunga" a new sentence."""
    if not m.group(1):
        return True
    word = _WORD_BEFORE.findall(text, m.start(), m.start(1))
    return bool(word) and word[-1].lower() in _PLACE_ABBREVIATED


def _in_place(text: str, start: int, *, own: bool = False) -> bool:
    return _place_match(text, start, own=own) is not None


def _name_tokens(
    text: str, pos: int, *, allow_lower: bool, strict: bool = False, max_tokens: int = 3
) -> tuple[int, int] | None:
    """The span of name-like words starting at ``pos`` (after optional blanks), or None.

    Capitalised words (and initials) are taken unless they are function words, roles or place words;
    lowercase or all-caps words (``allow_lower``) only when they are not common Indonesian words, at most two.
    ``strict``: capitalised words must not be common words either (for weak cues like "saya ...").
    """
    tokens: list[tuple[int, int]] = []
    first_case = None
    p = pos
    while len(tokens) < max_tokens:
        m = _TOKEN.match(text, p)
        if not m or (tokens and m.start(1) == p):
            break
        word = m.group(1)
        low = word.lower().rstrip(".")
        case = _case(word)
        if (
            low in _FUNCTION
            or low in _ROLES
            or low in _PLACE_PREFIXES
            or (tokens and low in _HON_TOKENS_LOWER and case != "initial")
        ):
            break
        if not tokens:
            if case in ("lower", "upper") and (
                (not allow_lower and case == "lower") or len(word) < 3 or _is_common(word)
            ):
                break
            if case == "title" and (len(word) < 2 or (strict and _is_common(word))):
                break
            first_case = case
        elif case == "initial":
            pass
        elif first_case in ("title", "initial"):
            if case != "title":
                break
        elif case != first_case or _is_common(word) or len(tokens) >= 2:
            break
        tokens.append((m.start(1), m.end(1)))
        p = m.end()
    while tokens and text[tokens[-1][1] - 1] == ".":  # a name does not end with an initial
        tokens.pop()
    if not tokens:
        return None
    return tokens[0][0], tokens[-1][1]


# --------------------------------------------------------------------------------------------------
# Emails, NIK, phones, plates, handles, house numbers
# --------------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}[ \t]?@[ \t]?[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"
)
_TLD = r"(?:com|net|org|id|co|ac|go|sch|or|web|my|info|biz|me|io|edu|gov|xyz|online|site)"
_OB_AT = r"(?:[ \t]*[\[\(\{<][ \t]*(?:at|et|@)[ \t]*[\]\)\}>][ \t]*|[ \t]+(?:at|et)[ \t]+)"
_OB_DOT = r"(?:[ \t]*[\[\(\{<][ \t]*(?:dot|titik|\.)[ \t]*[\]\)\}>][ \t]*|[ \t]+(?:dot|titik)[ \t]+|\.)"
_OBFUSCATED_AT = re.compile(r"(?i)[\[\(\{<][ \t]*(?:at|et|@)[ \t]*[\]\)\}>]|[ \t](?:at|et)[ \t]")
_EMAIL_OBFUSCATED = re.compile(
    r"(?i)(?<![\w.+\-])[a-z0-9][a-z0-9._%+\-]{0,63}"
    + _OB_AT
    + r"[a-z0-9][a-z0-9\-]*(?:"
    + _OB_DOT
    + r"[a-z0-9\-]+)*"
    + _OB_DOT
    + _TLD
    + r"\b"
)

# Between digit groups: spaces, dots, dashes, commas, semicolons, "_", bars, stars, bullets, colons, and one line
# break (a plain-text email wraps a long line there).
_GROUP_MARKS = ".\\-,;_|*~:•·"
_EMAIL_PROVIDER = re.compile(
    r"(?i)(?<![\w.+\-])[a-z0-9][a-z0-9._%+\-]{0,63}(?:[ \t]*@[ \t]*|" + _OB_AT + r")"
    r"(?:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|icloud|protonmail|proton)(?![\w])"
    r"(?:[ \t]*(?:\.|(?<![\w])dot(?![\w])|(?<![\w])titik(?![\w]))[ \t]*[a-z]{2,6}(?![\w])){0,3}"
)

_SEP = r"[ \t]*[.\-_][ \t]*|[ \t]"  # sixteen digits with nothing said before them: the shapes of a NIK only
# after "NIK", "KTP", "KK": whatever people put between the groups, a line break included
_SEP_CUED = r"[ \t]*[" + _GROUP_MARKS + r"]{1,2}[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*|[ \t]{1,2}"
_NIK = re.compile(r"(?<![\d])\d(?:(?:" + _SEP + r")?\d){15}(?!(?:" + _SEP + r")?\d)")
# A point typed as text ("-6.208812 106.845599"): its digits make sixteen, yet it is the place, not a person.
_COORDINATES = re.compile(r"-?\d{1,3}\.\d{3,}[ \t]*[,;]?[ \t]*-?\d{1,3}\.\d{3,}")
# the same, strictly (two whole decimal numbers apart): a phone written in dotted groups ("021.8765.4321") is none
_COORDINATE_PAIR = re.compile(r"(?<![\d.])-?\d{1,3}\.\d{4,}(?:[ \t]*[,;][ \t]*|[ \t]+)-?\d{1,3}\.\d{4,}(?![\d.])")
_NIK_CUE = re.compile(
    r"(?i)\b(?:nik|ktp|kk|no\.?\s*kk|nomor\s+kk|nomor\s+induk(?:\s+kependudukan)?|kartu\s+keluarga)\b[^\d\n]{0,20}?"
    r"(\d(?:(?:" + _SEP_CUED + r")?\d){13,17})(?!\d)"
)

_PSEP = r"(?:[ \t./()" + _GROUP_MARKS + r"]{0,3}(?:\n[ \t]*)?)"
_MOBILE = re.compile(  # also with the letter O typed for the leading zero ("O812-...")
    r"(?:(?<![\d+])(?:\+[ \t]?62|62|0)|(?<![\w+])[Oo])[ \t.\-]?\(?8(?:[ \t.\-/)_]{0,2}\d){8,11}(?![\d])"
)
_PHONE_CUE = re.compile(
    r"(?i)\b(?:telp|tlp|tlpn|telpon|telepon|tilpon|phone|hp|handphone|ponsel|wa|whatsapp|sms|kontak|contact|"
    r"hubungi|hub|call|cp|landline|mobile|fax|faks)\b\.?"
    r"(?:[ \t:=/\-]*(?:saya|sy|aku|gw|ku|kami|rumah|kantor|darurat|baru|lama|aja|ke|di|ya|no|nomor|nmr)\b\.?){0,3}"
    r"[ \t:=/\-]*(\+?\(?\d(?:" + _PSEP + r"\d){5,14})(?!\d)"
)
# "nomor saya 812 3456 7890": the writer's own number, whatever its first digit (8+ digits; not "nomor saya urut 5").
_OWN_NUMBER_CUE = re.compile(
    r"(?i)(?<![\w])(?:nomor|nomer|nmr|no)\.?[ \t]+(?:saya|sy|aku|ku|gw|gue|kami)[ \t:=\-]*(\+?\d(?:"
    + _PSEP
    + r"\d){7,14})(?!\d)"
)
_DIGITISH = re.compile(r"\d(?:" + _PSEP + r"\d){5}")  # 6+ digits close together: worth asking phonenumbers
_MONEY_BEFORE = re.compile(r"(?i)(?:rp|idr|rupiah)\.?[ \t]*$")
_EXTENSION = re.compile(r"(?i)[ \t,]*(?:ext|ekst|extension|x|#)\.?[ \t]*\d+$")
_DATE_OR_TIME = re.compile(
    r"^(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}|\d{1,2}[.:]\d{2}(?:[ \t]*-[ \t]*\d{1,2}[.:]\d{2})?"
    r"|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})$"
)

_REGIONS = [
    "A",
    "B",
    "D",
    "E",
    "F",
    "G",
    "H",
    "K",
    "L",
    "M",
    "N",
    "P",
    "R",
    "S",
    "T",
    "W",
    "Z",
    "AA",
    "AB",
    "AD",
    "AE",
    "AG",
    "BA",
    "BB",
    "BD",
    "BE",
    "BG",
    "BH",
    "BK",
    "BL",
    "BM",
    "BN",
    "BP",
    "DA",
    "DB",
    "DC",
    "DD",
    "DE",
    "DG",
    "DH",
    "DK",
    "DL",
    "DM",
    "DN",
    "DP",
    "DR",
    "DS",
    "DT",
    "DW",
    "EA",
    "EB",
    "ED",
    "KB",
    "KH",
    "KT",
    "KU",
    "PA",
    "PB",
    "PG",
    "CD",
    "CC",
]
_PLATE = re.compile(
    r"(?i)(?<![\w.\-/])(" + "|".join(sorted(_REGIONS, key=len, reverse=True)) + r")([ \t]?[.\-]?[ \t]?)(\d{1,4})"
    r"(?:([ \t]?[.\-]?[ \t]?)([A-Z]{1,3}))?(?![\w])"
)
_PLATE_SUFFIX_STOP = _words("""
rt rw km m cm mm kg g wib wit wita jam x kv ha lt no dan di ke ya yg sj aja lg sy gw tp pd dgn utk dr sd sm
org jt rb ribu kali hr thn th bln mgg jt km2 ml l liter menit mnt det ok pm am pk kwh
""")
_PLATE_BEFORE_STOP = re.compile(
    r"(?i)\b(?:blok|blk|tower|lantai|lt|kav|kavling|koridor|rute|bus|busway|tj|jak|gedung|unit|kelas|kamar|pintu|"
    r"gate|loket|no|nomor|tipe|type|seri|peron|jalur|line|ruang|zona|sektor|cluster|klaster|rusun|pasal|ayat)\.?[ \t]*$"
)
_PLATE_CUE_BEFORE = re.compile(
    r"(?i)\b(?:(?:plat|pelat)(?:[ \t]+(?:nomor|nomer|no)(?:nya)?)?|nopol|no\.?[ \t]*pol|nomor[ \t]+polisi|tnkb|"
    r"(?:ber)?(?:plat|pelat|nomor[ \t]+polisi))\b[ \t:]*$"
)

_HANDLE_AT = re.compile(r"(?<![\w@.\-])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?)")
_HANDLE_URL = re.compile(
    r"(?i)\b(?:instagram\.com|instagr\.am|tiktok\.com|twitter\.com|x\.com|facebook\.com|fb\.com|fb\.me|t\.me|"
    r"youtube\.com|threads\.net|linkedin\.com/in|wa\.link|linktr\.ee)/@?([A-Za-z0-9_.\-]{2,50})"
)
# A Facebook account by its number ("facebook.com/profile.php?id=1000…"): the number is the account.
_FB_PROFILE_ID = re.compile(
    r"(?i)\b(?:facebook\.com|fb\.com)/(?:profile\.php\?(?:[^\s&#]*&(?:amp;)?)*id(?:=|%3D)(\d{5,20})"
    r"|people/([^/\s?#]+/\d{5,20}))"
)
_HANDLE_CUE = re.compile(
    r"(?i)\b(?:(?:akun|account)[ \t]+)?(?:ig|insta|instagram|twitter|twiter|tiktok|tik[ \t]tok|telegram|"
    r"id[ \t]+line|threads|youtube|"
    r"(line|tele|tg|yt|akun|account))\b"
    r"((?:[ \t]+(?:saya|sy|aku|ku|gue|gw|kami|resmi|official|nya|ya))?[ \t]*(?:[:=][ \t]*|[ \t]+)@?)"
    r"([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_]))"
)
_FB_CUE = re.compile(r"\b(?i:fb|facebook)\b[ \t]*(:?)[ \t]*((?:[A-Z][\w.'’]*)(?:[ \t]+[A-Z][\w.'’]*){0,3})")

_HOUSE = re.compile(
    r"(?i)(?<![\w#])(?:no|nomor|nomer|nmr|nmor|nr|#|№)\.?[ \t]*:?[ \t]*"
    r"(\d{1,4}(?:[ \t]?-?[ \t]?[A-Z](?![A-Za-z0-9]))?(?:[ \t]?[/\-][ \t]?\d{1,4}[A-Z]?(?![A-Za-z]))?)(?![\w/.,]\d|\d)"
)
_HOUSE_UNIT = re.compile(r"(?i)\bunit[ \t]+(\d{1,3}[ \t]?[\-/][ \t]?\d{1,4}[A-Z]?|\d{1,4}[A-Z])\b")
# "unit 1207", "unit 07" in a building of flats; "Tower Jasmine 12/07" (floor/flat); "Perum Griya Asri F3/9" (block and
# house): the number of one home. Not "2 unit mobil" (a count comes first), not "RT 03/05".
_FLATS = r"(?:tower|menara|apartemen|apartment|apartemennya|apt|rusun|rusunawa|rusunami|flat|kondominium|lt|lantai)"
_ESTATES = r"(?:perum|perumahan|komplek|kompleks|cluster|klaster|residence|griya|blok)"
# "unit A-12", "unit B.12", "unit A12", "unit 12AB": a block's letter joined to the number, or two capitals after it
# (found by a review); not "unit AC 2" (a machine), nor "unit 10an" (about ten)
_UNIT_NUMBER = re.compile(
    r"(?i)\bunit[ \t]+(?:no\.?[ \t]*)?(?:(?-i:[A-Z]{1,2})[\-/.]?)?\d{1,4}(?-i:[A-Z]{1,2})?(?![\w/])"
)
# "kamar 12", "kmr 21", a kontrakan's "pintu 3": a room the writer says is theirs ("saya tinggal di rusun … kamar 12",
# "kosan saya …, kamar 7"); not a hospital's, a hotel's or a neighbour's kos (found by a review of the first form)
_ROOM_NUMBER = re.compile(
    r"(?i)(?<![\w])(?:kamar|kmr|pintu)[ \t]*(?:(?:no|nomor|nmr)\.?[ \t]*)?\d{1,4}(?-i:[A-Z])?(?![\w/])"
)
_SOMEONE_ELSE_S = re.compile(
    r"(?:[ \t]*(?:sebelah|tetangga|orang|penghuni|ada[ \t]+yang|yang[ \t]+lain|lain)\b)|.*\b(?:tetangga|penghuni|orang[ \t]+lain)\b"
)
_ROOM_RANGE = re.compile(r"(?i)[ \t]*(?:sampai|s/d|s\.d\.?|hingga|-|–)[ \t]*(?:kamar[ \t]*)?\d")
_OWN_DWELLING = re.compile(
    r"(?i)(?<![\w])(?:(?:saya|sy|aku|kami|gw|gue)[ \t]+(?:tinggal|ngekos|ngontrak|menyewa|sewa|kos|ngekost)"
    r"|(?:kamar|kmr|kos|kost|kosan|kostan|kontrakan|rumah|unit|asrama|tempat[ \t]+tinggal)[ \t]*(?:saya|sy|aku|kami|ku|gw))"
    r"(?![\w])"
)
_NOT_A_HOME = r"(?![ \t]+(?:bts|sutet|listrik|air|crane|telekomunikasi|seluler|pemancar)(?![\w]))"
_FLAT_CONTEXT = re.compile(r"(?i)(?<![\w])" + _FLATS + r"(?![\w])" + _NOT_A_HOME)
_FLAT_SLASH = re.compile(
    r"(?i)(?<![\w])"
    + _FLATS
    + r"(?![\w])"
    + _NOT_A_HOME
    + r"[^\n,.;]{0,30}?(?<![\w/])(\d{1,2}[ \t]?/[ \t]?(\d{2,4}[A-Z]?))(?![\w/])"
)
# "lift unit 1", "bus unit 123": a unit of a fleet or a machine, not a home
_UNIT_OF_A_THING = re.compile(
    r"(?i)(?:lift|elevator|eskalator|bus|mobil|truk|motor|kendaraan|damkar|armada|ambulans|ambulan|kereta|angkot|"
    r"pompa|genset|mesin|kompresor|panel|alat|ac)"
    r"(?:[ \t]+[\w.]+){0,3}[ \t]+$"
)
_ESTATE_HOUSE = re.compile(
    r"(?i)(?<![\w])"
    + _ESTATES
    + r"(?![\w])[^\n,.;]{0,30}?(?<![\w/])((?!(?:rt|rw)(?![a-z]))[A-Z]{1,2}[ \t\-]?\d{1,3}[ \t]?/[ \t]?(\d{1,3}[A-Z]?))(?![\w/])"
)
_RT_RW_BEFORE = re.compile(r"(?i)\b(?:rt|rw)[ \t./]*(?:rw)?[ \t.:]*$")
# The number belongs to something else when one of the two words before "No" names it ("Tiang listrik nomor 6",
# "Loket No. 3", "Perda No. 8").
_HOUSE_STOP_WORDS = _words("""
tiang loket pintu pintunya antrian antrean laporan pengaduan tiket kuitansi kwitansi rekening rek hp wa telp
telepon tlp polisi pol plat pelat kendaraan kursi halte peron jalur gate gerbang bus angkot koridor rute perda uu
undang-undang pergub pp perpres permen permendagri kepgub sk surat pasal ayat urut punggung induk kk ktp nik seri
register registrasi ruang ruangan lapak kios stand meja lampu tps pos gardu mandi wc toilet sumur pompa peringkat
juara ranking urutan kode resi order pesanan invoice faktur putusan perkara izin imb pbg sertifikat shm akta npwp
bpjs kontrak kolom baris halaman hal lembar versi tahap gelombang periode angkatan kelas sesi babak ac kipas mesin
""")
_WORD_BEFORE = re.compile(r"[\w\-]+")


def _house_stopped(before: str) -> bool:
    words = _WORD_BEFORE.findall(before[-40:])[-2:]
    return any(w.lower() in _HOUSE_STOP_WORDS for w in words)


# A plain number ("No. 14") is a house number in an address context: a street, house or dwelling word before,
# or RT/RW/street after. "14A", "3/5", "45-A" are house-shaped and need no context.
_HOUSE_CONTEXT_WORDS = _words("""
jl jln jalan gg gang lorong rumah rmh rmhnya rumahnya blok blk kos kost kosan kamar kontrakan alamat alamatnya
tinggal komplek kompleks perum perumahan cluster klaster rt rw lantai lt tower unit ruko rukan kav kavling
apartemen apartment rusun rusunawa wisma asrama tetangga sebelah depan samping pavilyun paviliun villa griya
residence townhouse bangunan pagar gedung
""")
_HOUSE_CONTEXT_AFTER = re.compile(
    r"(?i)[ \t]*[,.]?[ \t]*(?:rt|rw|jl|jln|jalan|gg|gang|blok|kel|kec|kelurahan|kecamatan)\b"
)
_HOUSE_AFTER_STOP = re.compile(r"(?i)[ \t]*(?:tahun|thn|th\.|/[ \t]*\d{4}\b)")
_EMERGENCY = frozenset({"110", "112", "113", "115", "117", "118", "119", "129"})
# The writer's own home with its number written without "No." ("rumah saya di Jl. Kenari Dalam 17 RT 4", "saya
# tinggal di Kenari Dalam 17, …", "alamat rumah: Kenari Dalam 17A."; found by a review): after a cue that the home is
# the writer's, a street's words (after "Jl."/"Gg." in any case, else capitalised), then the number, which ends the
# clause or comes before the RT/RW. Not "rumah saya dekat Jl. Kebon Kacang 30" (near it), not a home the writer does
# not call theirs ("Pak RT tinggal di Gang Mawar 5"), not a count or a time ("rumah saya di Jl. Mawar ada 2 lubang").
_STREET_WORDS = ("jalan", "gang", "jln", "jl", "gg")  # the longest first, as the pattern below tries them
_OWN_HOME_CUE = (
    r"(?<![\w])(?i:(?:(?:rumah|rmh|kediaman|kontrakan|kosan|kos|kost)[ \t]+(?:saya|sy|aku|kami|gw|gue|ku)|rumahku"
    r"|alamat[ \t]+(?:rumah|rmh|saya|sy|kami)|(?:saya|sy|aku|kami|gw|gue)[ \t]+(?:tinggal|warga)))"
    r"[ \t]*(?::[ \t]*|(?i:(?:yg[ \t]+|yang[ \t]+)?(?:di|ada[ \t]+di))[ \t]+"
    # or the street after a comma, a few words later ("depan rumah saya, Jl Kenari 12", "rumah saya persis di sebelah
    # warung, Jl. Kenari 12 RT 3": found by a review)
    r"|(?:[^\n.!?;:]{0,60}?(?:,|[ \t]di)|[ \t]*[(\-–])[ \t]*(?=(?i:jln|jl|gg|gang)(?![a-z])|Jalan(?![a-z])))?"
)
_OWN_HOME_NUMBER = re.compile(
    _OWN_HOME_CUE
    + r"((?i:"
    + "|".join(_STREET_WORDS)
    + r")\.?[ \t]*(?:[A-Za-z][A-Za-z'’\-]*\.?[ \t]+){1,5}|(?:[A-Z][A-Za-z'’\-]*\.?[ \t]+){1,5})"
    r"(\d{1,4}[A-Za-z]?)(?=[ \t]*(?:[,.;)!?\n]|$|\(?[ \t]*(?i:rt|rw)(?![a-zA-Z])))"
)
# The same written without "Jl." and not in capitals ("rumah saya di kenari dalam 17 rt 4"): only after "di" or ":"
# (or "alamat rumah", "saya warga"), and only where the RT/RW and its number follow, as a count or a measure follows a lower-case
# verb as often (left open by a review; its first form cut "air masuk 50 rt 3", found by the next)
_OWN_HOME_LOWER = re.compile(
    r"(?<![\w])(?i:(?:(?:rumah|rmh|kediaman|kontrakan|kosan|kos|kost)[ \t]+(?:saya|sy|aku|kami|gw|gue|ku)|rumahku"
    r"|(?:saya|sy|aku|kami|gw|gue)[ \t]+tinggal)"
    r"(?:[ \t]*:[ \t]*|[ \t]+(?:(?:yg|yang)[ \t]+(?:berada[ \t]+|ada[ \t]+)?)?di[ \t]+)"
    r"|(?:alamat[ \t]+(?:rumah|rmh|saya|sy|kami)|(?:saya|sy|aku|kami|gw|gue)[ \t]+warga)(?:[ \t]*:)?[ \t]+)"
    r"((?:[A-Za-z][A-Za-z'’\-]*[ \t]+){1,4})"
    r"(\d{1,4}[A-Za-z]?)(?=[ \t]*[,/]?[ \t]*(?i:rt|rw)[ \t.:]*\d)"
)
_NOT_A_HOUSE_BEFORE = _words("""
sejak selama dari sampai hingga tahun thn umur usia km kav kavling blok lantai lt jam pukul tgl tanggal ada
setinggi sedalam terendam kurang lebih sekitar perumnas sektor cluster klaster tahap fase zona gelombang
sepanjang selebar seluas sebanyak kira kira-kira
""")
_DI_AT_THE_END = re.compile(r"[ \t]di[ \t]*$")
# between the home and "di" a street: the street is where something near the home is, or the trouble comes from
_NEAR_THE_HOME = _words("""
dekat sebelah samping seberang belakang dari karena oleh akibat truk pabrik got kali sungai proyek
""")
# words that say the number is not the writer's home on it: near it, or a count ("dekat jl kebon kacang 30 rt 4")
_NOT_AT_THE_HOME = _words("""
dekat depan samping belakang seberang sebelah ujung masuk hampir sampai kena terkena kebanjiran terendam
""")
# --------------------------------------------------------------------------------------------------
# Name cues
# --------------------------------------------------------------------------------------------------

_STRONG_CUE = re.compile(
    r"(?i)(?<![\w])(?:nama[ \t]+(?:saya|sy|aku|ku|gue|gw|gua|pelapor|lengkap(?:[ \t]+saya)?)|namaku|namanya|"
    r"(?:saya|sy|aku)[ \t]+(?:yang|yg)[ \t]+bernama|(?:yang|yg)[ \t]+bernama|bernama|atas[ \t]+nama|a[ \t]?\.[ \t]?n\.?|a/n|(?<![-\d])an\.(?=[ \t]*(?-i:[A-Z]))|"
    r"perkenalkan(?:[ \t]*,)?(?:[ \t]+nama)?(?:[ \t]+(?:saya|sy|aku|ku))?|dilaporkan[ \t]+oleh|"
    r"(?:saya|sy|aku|gw|gue)[ \t]+(?:sendiri[ \t]+)?(?:yang|yg)[ \t]+(?:lihat|liat|melihat|lapor|melapor|telepon|telpon|nelpon|"
    r"menelepon|foto|motret|memotret|nemu|menemukan|rekam|merekam)(?=[ \t]*[,:\-])|"
    r"(?:biasa[ \t]+)?dipanggil|panggilannya|sapaannya|(?:manggil|memanggil|panggil)[ \t]+(?:dia|saya|aku|sy|beliau)|"
    r"(?:bin|binti)(?=[ \t]+[A-Z])|"
    r"hormat[ \t]+(?:saya|kami)|salam[ \t]+hormat|wassalam\w*(?:[ \t]+wr\.?[ \t]*wb\.?)?|tertanda|ttd\.?|nama[ \t]*:)"
    r"(?:[ \t]*[,:\-][ \t]*(?:\n[ \t]*){0,2}|[ \t]*(?:\n[ \t]*){1,2}|[ \t]+)(?:(?:adalah|ialah)[ \t]+)?(?=\S)"
)
# A speaker label in a call transcript or a form ("Pelapor: Air PAM mati"): a name may follow, but so may the complaint.
_LABEL_CUE = re.compile(r"(?i)(?<![\w])(?:pelapor|penelepon|pemohon|pengadu)[ \t]*:[ \t]*(?:\n[ \t]*)?")
# The same label without its colon, then a capitalised name that is not an ordinary word ("Pelapor Budi Santoso").
_LABEL_CUE_BARE = re.compile(r"(?<![\w])(?:[Pp]elapor|[Pp]enelepon|[Pp]emohon|[Pp]engadu)[ \t]+(?=[A-Z])")
# A closing greeting alone on its line, then a name alone on the next ("Salam,\nSiti Aminah", "Terima kasih,\n\nSiti").
_THANKS = r"tks|thx|thanks|trims|terima[ \t]+kasih|terimakasih|trimakasih|makasih"  # closing a message
_CLOSING = re.compile(
    r"(?im)^[ \t]*(?:salam|salam[ \t]+(?:hangat|sejahtera|sehat)|" + _THANKS + r"|matur[ \t]+nuwun|"
    r"regards|best[ \t]+regards|kind[ \t]+regards|thank[ \t]+you|hormat[ \t]+kami)[ \t]*[,!.]?[ \t]*(?:\n[ \t]*){1,3}"
)
_LINE_END = re.compile(r"(?i)[ \t.!]*(?:$|\n|[,(\-–]|[ \t](?:warga|dari|dr|rt|rw)\b)")
# "Ini Budi dari RT 03", "Ini Budi, warga ...": a sentence opening with "Ini" and a capitalised name that then says
# where the writer is from; a place ("Ini Tebet, banjir") is not a name.
_INI_CUE = re.compile(r"(?:^|(?<=[.!?\n]))[ \t]*(?:[Ii]ni|INI)[ \t]+(?=[A-Z])")
_INI_FOLLOW = re.compile(r"(?i)[ \t]*,?[ \t]*(?:dari\b|dr\b|warga\b|tinggal\b|di[ \t]?sini\b|disini\b|nih\b|rt\b|rw\b)")
# "Nama Nur Halimah binti Sanusi": "nama" then a capitalised name (not "nama jalan", "Nama Bapak?").
_NAME_WORD_CUE = re.compile(r"(?<![\w])(?:Nama|nama)(?=[ \t]+[A-Z])")
# A label that asks for a person, then ":" or " - " ("Kontak di lokasi: Ratna Sari Dewi", "Siapa yang melihat
# kejadian: ...", "Nama pemilik warung: Sumarni", "Witness: ..."): form fields, and Open311 extra questions, which
# reach the description as "<question>: <answer>" joined by "; " after "[Open311] ". The label opens a line, an
# answer or a clause; up to four words may qualify it ("Kontak di lokasi", "Pemilik bangunan", "Ketua RT").
_PERSON_LABEL_HEADS = (
    "kontak",
    "contact",
    "contact person",
    "narahubung",
    "penghubung",
    "cp",
    "pic",
    "person in charge",
    "saksi",
    "saksi mata",
    "saksinya",
    "witness",
    "witnesses",
    "yang melihat",
    "yg melihat",
    "yang lihat",
    "yg lihat",
    "yang menyaksikan",
    "yg menyaksikan",
    "yang menemukan",
    "yang mengetahui",
    "penanggung jawab",
    "penanggungjawab",
    "pj",
    "pemilik",
    "owner",
    "pelaku",
    "pelakunya",
    "terlapor",
    "tersangka",
    "suspect",
    "perpetrator",
    "korban",
    "victim",
    "penghuni",
    "penyewa",
    "pengontrak",
    "perwakilan",
    "wakil warga",
    "ketua",
    "pengurus",
    "pengelola",
    "sopir",
    "supir",
    "pengemudi",
    "driver",
    "penjual",
    "pedagang",
    "tetangga",
    "nama",
    "name",
    "petugas",
    "officer",
    "staf",
    "staff",
    "pegawai",
)
_PERSON_LABEL = re.compile(  # matched where a line, answer or clause starts before a separator (_label_separators)
    r"(?i)[ \t]*(?:siapa[ \t]+)?(" + _alt(_PERSON_LABEL_HEADS) + r")((?:[ \t]+[a-z/]+){0,4}?)"
    r"(?:[ \t]*\??[ \t]*[:=][ \t]*|[ \t]+[-–—][ \t]+)"
)
# The whole answer after such a label, when it is 1-4 words up to the end of the line, answer or clause.
_LABEL_ANSWER = re.compile(
    r"([A-Za-z][A-Za-z'’\-]*(?:[ \t]+[A-Za-z][A-Za-z'’\-]*){0,3})[ \t]*(?=$|[\n\r;,.()/]|[ \t]+[+\d]|[ \t]+[-–—])"
)
# "Petugas: ..." alone is a speaker in a call transcript (what follows is speech): it asks for a person only when
# qualified ("Petugas yang melayani: ..."). "Nama jalan/toko/...: ..." asks for a thing.
_PERSON_LABEL_NEEDS_QUALIFIER = _words("petugas officer staf staff pegawai")
_NAME_OF_A_THING = _words("""
jalan jl jln gang gg lorong toko warung usaha tempat gedung sekolah masjid mesjid musala gereja perusahaan pt cv
kantor dinas instansi kelurahan kecamatan kota daerah lokasi aplikasi akun bank produk barang merek merk jenis
kategori layanan halte stasiun terminal rs rumah pasar mall mal komplek kompleks perumahan perum proyek kegiatan
acara program kendaraan motor mobil apartemen rusun tower blok cluster klaster hotel restoran kafe cafe bengkel
""")
# "<label>: <2-4 Capitalised Words>" closing a line or an Open311 answer ("Ditegur oleh: Fransiska Lumbantobing"):
# a name, unless the label asks for a thing or a place, or the words are ordinary words, a place or an agency.
_LINE_LABEL = re.compile(  # matched where a line or an answer starts
    r"[ \t]*([A-Za-z][A-Za-z/]*(?:[ \t]+[A-Za-z][A-Za-z/]*){0,5})[ \t]*:[ \t]*"
    r"([A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?(?:[ \t]+[A-Z][a-z'’]+(?:-[A-Za-z][a-z'’]+)?){1,3})"
    r"[ \t]*[.!]?[ \t]*(?=$|[\n\r;])"
)
_THING_LABEL = _NAME_OF_A_THING | _words("""
lokasi alamat titik patokan dekat depan arah rute koridor tujuan asal rt rw kab kabupaten provinsi wilayah kawasan
kategori jenis tipe type perihal hal judul subjek subject topik status prioritas dinas instansi unit bidang seksi
sudin suku agency department service kanal channel sumber tanggal waktu jam hari bulan tahun cuaca kondisi
keterangan ket catatan tembusan kepada yth re lampiran warna model diteruskan disposisi ke kepada cc
""")
# Words of an agency, a company, a month or a brand ("Sudin Bina Marga", "PLN UP3 Menteng", "Honda Beat"), or of a
# description of people rather than a name ("Pedagang: Kaki Lima", "Pelaku: Geng Motor", "Korban: Pejalan Kaki").
_NOT_A_PERSON = _words("""
sigap jaki jakarta dki pemprov pemkot pemkab pemda provinsi transjakarta tije mrt lrt krl kci kai commuter pln pam
palyja aetra telkom indihome pertamina pgn bpjs bpbd basarnas damkar gulkarmat satpol dishub dukcapil bapenda bina
marga cipta karya citata pertamanan kehutanan perhubungan perumahan kesehatan pendidikan sosial kominfotik polri
polda polres polsek polrestro tni kodim koramil rsud bumd pt cv tbk ud persero perumda badan bagian seksi bidang
unit tim loket satuan pelaksana upt uptd ppsu sda dlh pos posko sekretariat
januari februari maret april mei juni juli agustus september oktober november desember
honda yamaha suzuki kawasaki toyota daihatsu mitsubishi nissan wuling hyundai vespa grab gojek maxim shopee tokopedia
kaki lima sayur keliling pejalan geng gerombolan rombongan kelompok sekelompok ormas pemotor pengendara pengguna
penumpang pengunjung pemulung pengamen pengemis gelandangan remaja pemuda bocah berseragam berhelm bertato hitam
putih merah biru hijau kuning abu coklat
""")
# What may follow "kontak:" instead of a name: a channel ("kontak gue: tiktok @...", "Kontak: wa 0812...").
_CHANNEL_WORDS = _words("""
ig insta instagram tiktok twitter twiter fb facebook telegram tele line wa whatsapp email e-mail surel hp telp telpon
telepon sms dm threads youtube linkedin signal
""")

_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def _not_a_person(text: str, start: int, end: int) -> bool:
    """The words at ``start:end`` are an agency, a company, a brand, a month or begin a Jakarta place name.

    An acronym (2-4 capitals: "PLN UP3 Menteng", "CCTV") makes them an organisation or a thing, unless every word
    is in capitals ("SITI AMINAH", as some forms are typed)."""
    words = _LABEL_WORD.findall(text, start, end)
    if any(w.lower() in _NOT_A_PERSON for w in words):
        return True
    if any(w.isupper() and len(w) <= 4 for w in words) and (len(words) == 1 or not all(w.isupper() for w in words)):
        return True
    return _place_name_at(text, start)


# A sign-off after a dash at the end of a line ("... gelap banget. - nico", "-Siska ibunya Kenzo").
_SIGNOFF = re.compile(r"(?:^|(?<=[ \t]))[-–—~][ \t]*(?=[A-Za-z])")
_SIGNOFF_END = re.compile(r"[ \t]*(?:$|\n|\(|,|[ \t](?:warga|dari|dr|ibunya|bapaknya|ayahnya|anaknya)\b)")
# After a name, "dan"/"sama"/"&" joins a second person ("Pelapor: Putu Ayu dan Komang Adi").
_AND_NEXT = re.compile(r"[ \t]*,?[ \t]*(?:dan|sama|serta|&)[ \t]+")
_WEAK_CUE = re.compile(
    r"(?<![\w])(?:(?i:saya(?:[ \t]+adalah)?|sy|aku|ak|aq|ane|gue|gw|this[ \t]+is)(?:[ \t]+(?i:dengan|dgn))?|(?i:(?:ini|saya|sy)[ \t]+(?:dengan|dgn))|"
    r"(?i:(?:halo|hallo|hai|hi|pagi|siang|sore|malam)[ \t]*[,!.]*[ \t]*"
    r"(?:(?:min|admin|mimin|kak|pak|bu|gan|sis|bang|bapak|ibu)[ \t]*[,!.]*[ \t]*)?"
    r"(?:(?:ini|saya|sy)[ \t]+(?:dengan|dgn)|ini|dengan|dgn)))[ \t]*,?(?=[ \t])"
)
# a thing or a place the writer owns or lives in, right before "saya": what follows names it, not the writer
_POSSESSED_BEFORE = re.compile(
    r"(?i)(?:^|[^\w])(?:rumah|rmh|alamat|mobil|motor|kendaraan|toko|warung|kantor|kos|kost|kosan|kontrakan|jalan|"
    r"jln|jl|gang|gg|pagar|halaman|kios|usaha|tempat|lokasi|perumahan|komplek|kompleks|lingkungan|kampung|daerah|"
    r"wilayah)[ \t]+$"
)
# "tetangga saya Joko", "suami saya Iwan", "pelakunya Rudi", "atasan kami Hendro": a person noun with a possessive,
# then a capitalised word that is not a common word.
_RELATION_CUE = re.compile(
    r"(?<![\w])(?i:(?:tetangga|suami|istri|anak|ayah|ibu|bapak|bokap|nyokap|mama|papa|emak|cucu|ponakan|saksi|korban|"
    r"adik|adek|ade|kakak|kaka|abang|paman|bibi|nenek|kakek|mertua|menantu|bini|om|tante|bude|budhe|pakde|pakdhe|oma|"
    r"opa|mbah|eyang|"
    r"keponakan|sepupu|teman|temen|kawan|sahabat|pacar|atasan|bos|majikan|mandor|pelaku|oknum|tersangka|pemilik|"
    r"penyewa|pengontrak|penghuni)(?:[ \t]+(?:saya|sy|aku|kami|kita|gw|gue)|[ \t]?nya|ku))[ \t]*,?(?:[ \t]+si)?(?=[ \t])"
)
# a sign-off word, then the writer's name (``_sign_off_names``)
_INLINE_SIGN_OFF = re.compile(
    r"(?i)(?<![\w])(?=[dsmtnhwrpf])(dari|dr|salam|slm|mksh|mks|makasi|"
    + _THANKS
    + r"|tq|ty|terimaksih|terimakasi|trmksh|"
    r"(?:hatur[ \t]+)?nuhun|(?:matur[ \t]+)?suwun|matur[ \t]+nuwun|wassalam\w*|wslm|rgds|regards|hormat[ \t]+saya|"
    r"ttd\.?|pengirim|from|sender)(?![\w])(?:[ \t]+(?:ya|yaa|banyak|dari|hangat|sehat|atas[ \t]+perhatian\w*))*"
    r"[ \t]*[,:.!\-]*[ \t]*(?=[A-Za-z])"
)
# what may end a line after a name: punctuation, an emoticon or emoji, a greeting word, the writer's RT
_TO_LINE_END = re.compile(
    r"(?i)(?:[ \t]*(?:(?:ya|yaa|pak|bu|min|kak|gan|sis|mas|mbak|bang|warga)\b|rt|rw|blok|no)[^\n]{0,20})?"
    r"[ \t]*[^\w\n]{0,12}(?:\n|$)"
)
_ROUTE_WORDS = r"ke|sampai|smp|hingga|s/d|sd|menuju|arah"  # "dari budi ke ...", "cari rina arah ...": a route
_DIRECTION_AFTER = re.compile(r"(?i)[ \t,]*\n?[ \t]*(?:" + _ROUTE_WORDS + r")\b")
# words that make capitals after a sign-off a place's, a business's or a hero's street's name, not a person's
_NOT_A_PERSONS_WORD = _words("""
arah utara selatan timur barat raya indah jaya permai city garden residence villa griya puri bumi alam grand
mega karya hotel tugu pos bank pabrik proyek lahan bina marga polda polsek sudin dinas majelis motor tower mart
yani subroto salim muis mogot ashari asyari umar sartika hatta sudirman thamrin said supratman diponegoro juanda
pattimura wahid hasyim syafei sedayu podomoro asih parman suprapto sutoyo tendean katamso antasari inten wuruk
mada iskandardinata cokroaminoto dewantara latuharhari sumantri utomo mulia luhur pulomas kemuliaan marzuki
riyadi sutono tiahahu rachmat
""")
_SLANG_VERB = re.compile(r"^(?:ke[a-z]{4,}|nge?[a-z]{3,}|ny[a-z]{3,}|[a-z]{3,}in)$")  # "kesetrum", "ngomel", "bikin"
_USER_NAME_TOKEN = re.compile(r"[A-Za-z]{3,}(?:[._][A-Za-z0-9]+)+|[A-Za-z]{3,}[0-9]{1,4}(?![\w.])")
_NOT_A_USER_NAME = re.compile(r"(?i)(?:rt|rw|no|nomor|blok|gang|gg|jl|jln|kav|unit|lt|lantai|km|tower|kamar)")
_GROUP_WORDS = _words("tim pengurus relawan panitia keluarga komunitas forum paguyuban karang taruna warga ketua kami")
_CONTACT_VERB = re.compile(
    r"(?i)(?<![\w])(?=[hktpcwjsdi])(hubungi|hubungin|hub|kontak|kontaknya|telepon|telpon|telfon|tlpn|tlp|telp|tanya|tanyakan|tanyain|"
    r"temui|panggil|kabari|kabarin|cari|wa|chat|japri|sms|dm|inbox)(?:[ \t]+(?:ke|kepada|sama|saja|aja|ajah))?"
    r"[ \t]+(?=[A-Za-z])"
)
# "ini ratna, ...", "kak, ini Nurul.", "pak ini dedi": where a clause opens (``_clause_opens``)
_INI_OPENING = re.compile(r"(?i)(?<![\w])ini[ \t]+(?=[A-Za-z])")
# after the name: the clause ends, or the writer turns to whom they write ("ini saiful min, mau nanya", "ini
# Rizki pak yang kemarin lapor", "ini Aan lagi"); not "yang", "dari": "ini Bella Terra yg …", "ini ilham dari Allah"
_INI_NAME_END = re.compile(
    r"(?i)[ \t]*(?:[,!]|\.(?:[ \t]|$)|$|(?:min|admin|pak|bu|kak|ka|bang|mas|mbak|mba|gan|sis|bos)(?![\w])"
    r"|lagi(?=[ \t]*(?:[.,!]|$)))"
)
# words that make the name before them a place's or a business's ("ini Hana, toko kue", "Siti Rahayu Salon")
_PLACE_OR_BUSINESS_WORDS = (
    r"toko|warung|salon|apotek|apotik|klinik|rs|rsud|rumah[ \t]+sakit|sekolah\w*|sd|sdn|smp|smpn|sma|sman|smk|kampus|"
    r"kereta|krl|bus|busway|angkot|mushola|musholla|masjid|gereja|perumahan|komplek|kompleks|tps|pt|cv|restoran|resto|"
    r"rumah[ \t]+makan|minimarket|swalayan|laundry|kos\w*|bar|karaoke|wahana|galon|rental|bengkel|pabrik|kantor|gedung|"
    r"mall|pasar|hotel|cafe|kafe|kedai|kantin|depot|kios|ruko|lapak|konter|counter|gudang|showroom|butik|bakery|"
    r"optik|studio|percetakan|barbershop|pangkas|distro|pangkalan|lesehan|roti|pecel|bakso|sate|soto|yayasan|tempat|"
    r"lokasi|jalan|jl|jln|gang|gg|apartemen|rusun|halte|stasiun|terminal|taman|lapangan|kali|sungai|jembatan|"
    r"furniture|mebel|travel|tour|shop|store|mart|cell|motor|mobil|group|grup|residence"
)
# "btw ini Hana, toko kue depan SD": after a clause opened mid-message, what the comma opens says it is a shop
_PLACE_OR_BUSINESS_NEXT = re.compile(r"(?i)[ \t]*,[ \t]*(?:" + _PLACE_OR_BUSINESS_WORDS + r")(?![\w])")
_PLACE_OR_BUSINESS_AFTER = re.compile(r"(?i)[ \t]+(?:" + _PLACE_OR_BUSINESS_WORDS + r")(?![\w])")
# where "ini NAME" always introduced the writer: the message's or a sentence's start
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?\n])[ \t]*$")
_NAME_IN_BRACKETS_AFTER_A_NUMBER = re.compile(r"\d[ \t]*\([ \t]*([A-Za-z]{3,}(?:[ \t]+[A-Za-z]{3,})?)[ \t]*\)")
_WEAK_CONTACT_VERBS = _words("cari tanya tanyakan tanyain kontak")  # "cari sandi wifi", "kontak satria hilang"
_MOBILE_START = r"(?:\+?62|0)[ \t\-.]?8\d"
_NUMBER_NEXT = re.compile(r"[ \t:,(/\-_.]*" + _MOBILE_START)
_NOT_ABOUT_A_PERSON_AFTER = re.compile(
    r"(?i)[ \t,]*\n?[ \t]*(?:" + _ROUTE_WORDS + r"|lewat|di[ \t]?mana|dmn|wifi|nya)(?![\w])"
)
_GREETING_END = re.compile(
    r"(?i)(?:^|[^\w])(?:halo|hallo|hai|hi|min|admin|kak|ka|pak|bu|bang|gan|sis|ini|btw|oya|oiya)$"
)
_PLACE_LABEL_BEFORE = re.compile(r"(?i)(?:lokasi|alamat|tempat|tkp|titik|posisi)[ \t]*:?[ \t\n]*$")
# "Rafi nih bang", "Udin di sini", "rudy here", "anjani disini": the writer names themselves
_WORD_ENDING_HERE = re.compile(r"([A-Za-z][A-Za-z'’]*)$")
_PRESENCE_AFTER = re.compile(r"(?i)(?<=[A-Za-z])[ \t]+(?:nih+|nh|di[ \t]?sini|here|(?:mau[ \t]+)?lapor)(?![\w])")
_PHONE_START = re.compile(r"(?<![\w+])" + _MOBILE_START)
_NAME_BEFORE_A_NUMBER = re.compile(
    r"(?i)(?<![\w])([A-Za-z]{3,})[ \t]*[:,(/\-_.]?[ \t]*(?:(?:hp|wa|no|tlp|telp)[ \t.:]*)?$"
)
_ABBREVIATION_RIGHT_BEFORE = re.compile(r"(?:^|[^\w])(?:[A-Za-z]{1,3}|[Ss]anto|[Ss]anta)\.[ \t]*$")
# the last word of a message, alone after its end of sentence, an emoji or a dash ("... tolong 😢 tasya")
_LAST_WORD = re.compile(r"(?:^|[.!?\n]|(?<=[ \t])[\-–—]|[^\x00-\x7f])[ \t]*([A-Za-z]{3,})[^\w\n]*$")
# a transcript's question for a name, then the caller's answer on the next line (``_transcript_answers``)
_NAME_QUESTION = re.compile(
    r"(?im)^[ \t]*(?:op|operator|petugas|cs|agen)[ \t]*:[^\n]*(?:nama|siapa|sendiri)[^\n]*\?[ \t]*\n"
    r"[ \t]*(?:pel|pelapor|penelepon|warga|penutur)[ \t]*:[ \t]*([^\n]+)"
)
# a name spelled letter by letter in a transcript's answer ("N U R", "A I N I", "Y-O-S-E-P-H-I-N-E")
_SPELLED_LETTERS = r"[A-Za-z](?:(?:[ \t]*-[ \t]*|[ \t]+)[A-Za-z]){2,}"
_SPELLED_OUT = re.compile(r"(?<![\w\-])" + _SPELLED_LETTERS + r"(?![\w\-])")
# the end of a spelled word right before a word ("R-A-T-N-A. Ratna"), read from a bounded slice
_NOT_A_LETTER = re.compile(r"[^A-Za-z]")
_SPELLED_END = re.compile(_SPELLED_LETTERS + r"[ \t]*[.,]?[ \t]+$")
_ANSWER_WORDS = _words("""
pak bu ibu bapak betul ya iya benar baik oke ok mas mbak saya nama namanya pakai dengan atas sendiri aja saja
""")
_OPEN_PAREN = re.compile(r"[ \t]*\((?=[A-Za-z])")
_WEAK_LOWER_FOLLOW = re.compile(
    r"(?i)[ \t]*,?[ \t]*(?:warga|dari|dr|tinggal|penghuni|selaku|pemilik|pelapor|rt\b|rw\b"
    r"|yang[ \t]+tinggal|yg[ \t]+tinggal)"
)


def _data_lines(name: str) -> list[str]:
    """A word list of ``data/``. Missing, it stops the import: without it fewer names are cut, and nothing would
    tell (found by a review: a packaged install had left the lists out and redacted less, silently)."""
    path = Path(__file__).resolve().parent / "data" / name
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RuntimeError(f"the redaction word list {path} cannot be read ({exc}): reinstall Sigap") from exc


def _load_places() -> tuple[frozenset[str], int]:
    lines = _data_lines("jakarta_places.txt")
    names = frozenset(" ".join(line.lower().split()) for line in lines if line.strip() and not line.startswith("#"))
    return names, max((n.count(" ") + 1 for n in names), default=0)


_PLACE_NAMES, _PLACE_MAX_WORDS = _load_places()
_PLACE_FIRST_WORDS = frozenset(n.split(" ", 1)[0] for n in _PLACE_NAMES)


def _load_given_names() -> frozenset[str]:
    lines = _data_lines("given_names.txt")
    return frozenset(w for line in lines if not line.startswith("#") for w in line.lower().split())


_PLACE_WORD = re.compile(r"[ \t]*([A-Za-z][A-Za-z'’\-]*)")


def _place_names_at(text: str, pos: int) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Each kelurahan, kecamatan or kota name the words at ``pos`` start with ("Cempaka", then "Cempaka Putih",
    then "Cempaka Putih Barat"), shortest first: (where it ends, its words in lower case)."""
    words, p = [], pos
    for _ in range(_PLACE_MAX_WORDS):
        m = _PLACE_WORD.match(text, p)
        if not m:
            break
        words.append(m.group(1).lower())
        p = m.end()
        if " ".join(words) in _PLACE_NAMES:
            yield p, tuple(words)


def _place_name_at(text: str, pos: int) -> bool:
    """Whether the words at ``pos`` start with a kelurahan, kecamatan or kota name ("Manggarai", "Kalibata City")."""
    return next(_place_names_at(text, pos), None) is not None


# Words after which a kelurahan's, kecamatan's or kota's one-word name is the place ("di Kartini", "daerah Galur"):
# a person is not "at" someone.
_AT_PLACE = re.compile(
    r"(?i)(?<![\w])(?:di|daerah|wilayah|kawasan|sekitar|area|seputar|warga|kelurahan|kecamatan)[ \t]+$"
)


# "an." after an approximate number is the suffix "-an" ("tahun 1990 an.", "jam 7 an.", "umur 30 an."), not "atas
# nama": a year, or a number after a word that asks for an approximate one. Not after any number: "RT 03 an. Budi",
# "kamar kos 204 an. Siti", "pelanggan 1024 an. Joko" name a person (reviews)
_APPROX_BEFORE = re.compile(
    r"(?i)(?:(?<![\w])(?:tahun|thn|th|jam|pukul|pkl|era|umur|usia|sekitar\w*|kira-kira|kira2|kurang[ \t]+lebih|sejak|"
    r"mungkin|mgkn|kayaknya|kisaran|hampir|harga\w*|angka|suhu|tinggi\w*|dalam\w*)[ \t]+\d{1,4}|(?:^|[^\w\-.])(?:19|20)\d\d)[ \t]*$"
)


def _an_suffix(text: str, start: int) -> bool:
    """Whether the cue "an." at ``start`` is the suffix "-an" of an approximate number (``_APPROX_BEFORE``)."""
    return text[start : start + 3].lower() == "an." and bool(_APPROX_BEFORE.search(text, max(0, start - 24), start))


# what says the words after it are a person's, not a place's, even in an address: a closing or a name cue; not
# where a street's name is the word, nor a word that is also a place's ("rumah pelapor"); not "Salam" alone, a street's
# and a kampung's name as often ("Jalan Raya Salam", "Kp. Salam", "Jl. KH. Abdul Salam": reviews)
_NAMED_BEFORE = re.compile(
    r"(?i)(?<![\w\-])(?<!jl\.)(?<!jl\. )(?<!jl )(?<!jln\. )(?<!jln )(?<!jalan )(?<!gg\. )(?<!gg )(?<!gang )"
    r"(?:salam[ \t]+hormat|wassalam\w*|ttd\.?|tertanda|hormat[ \t]+(?:saya|kami)|"
    + _THANKS
    + r"|atas[ \t]+nama|a[ \t]?\.[ \t]?n\.?|a/n|(?<![-\d])an\.|nama[ \t]*:|nama[ \t]+(?:saya|sy|aku|pelapor)|"
    r"namaku|hubungi|pelapor[ \t]*:)[ \t]*[,:.!\-]?[ \t]*(?:\n[ \t]*){0,2}$"
)


def _region_spans(
    text: str, fulls: set[tuple[str, ...]], parts: Iterable[str], *, place_text: bool = False
) -> list[tuple[int, int]]:
    """Where the text names a kelurahan, kecamatan or kota as the place. A word of the reporter's name in there is the
    place's, not theirs: cut, its placeholder beside the report's own kelurahan would tell the officer the reporter's
    name (found by a review: "[nama disembunyikan] (Sawah Besar)" in Kelurahan Kartini). The place's name counts
    after "di", "daerah", "warga" ... ("di Kartini", "warga Cempaka Putih"); one of two words or more also where
    one of its words is none of the reporter's ("Cempaka Baru" for Rina Cempaka); in an address (``place_text``)
    anywhere, a one-word name as its whole text too. Never where the place's words are all the reporter's and
    nothing says "place" ("Salam, Cempaka Putih", "hubungi Wijaya Kusuma": found by a second review), nor where
    they are the reporter's whole name (an introduction)."""
    own = set(parts)
    spans = []
    starts = [
        m.start(1)
        for m in _PLACE_WORD.finditer(text)
        if m.group(1).lower() in _PLACE_FIRST_WORDS and (m.start(1) == 0 or not text[m.start(1) - 1].isalnum())
    ]
    alone = text.strip(" \t\n.,;:!?")
    for pos in starts:
        # the longest name that ends a word ("Kartini", not "Kartini" of "Kartini2")
        names = [
            (end, words) for end, words in _place_names_at(text, pos) if end == len(text) or not text[end].isalnum()
        ]
        if not names:
            continue
        end, words = names[-1]
        if words in fulls:
            continue
        at_place = bool(_AT_PLACE.search(text, max(0, pos - 14), pos))
        if len(words) == 1:
            kept = at_place or (place_text and text[pos:end] == alone)
        else:
            # in an address too, a name after a sign-off or a name cue ("Salam, Wijaya Kusuma") is the writer's
            cue = _NAMED_BEFORE.search(text, max(0, pos - 40), pos) if place_text else None
            named = cue is not None and not _an_suffix(text, cue.start())
            kept = at_place or (place_text and not named) or not set(words) <= own
        if kept:
            spans.append((pos, end))
    return spans


def _honorific_names(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _HON_RE.finditer(text):
        if _in_place(text, m.start()):
            continue
        pos = m.end()
        role = False
        for _ in range(
            3
        ):  # "Pak Haji Sanusi", "Bapak Drs. Suparno", "pak h. sobri", "Pak RT Sukardi", "Bu Lurah Yanti"
            nxt = _HON_CHAIN.match(text, pos)
            if not nxt:
                break
            role = nxt.group(0).strip(" \t.").lower() in _CHAIN_ROLES
            pos = nxt.end()
        if role and _place_name_at(text, pos):
            continue  # "Pak Lurah Manggarai", "Pak Satpam Kalibata City": the office of a place
        if pos == m.end() and m.group(0).endswith(".") and m.group(0)[:-1] not in _HON_DOTTED:
            # "Terima kasih, Neng. Panggil petugas saja": the dot ends a sentence; only a real name may follow
            span = _name_tokens(text, pos, allow_lower=False, strict=True)
        else:
            span = _name_tokens(text, pos, allow_lower=True)
        if span:
            add("name", *span)


def _cue_names(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _STRONG_CUE.finditer(text):
        if _an_suffix(text, m.start()):
            continue
        pos = m.end()
        while True:  # "namanya Bang Jali", "namanya haji rohim", "Nama saya Hajjah Romlah"
            h = _HON_CHAIN.match(text, pos - 1) if pos and text[pos - 1] in " \t" else None
            if not h:
                break
            pos = h.end() + 1
        span = _name_tokens(text, pos, allow_lower=True)
        if span:
            add("name", *span)
    for m in _WEAK_CUE.finditer(text):
        if _HON_RE.match(text, m.end() + 1) or _POSSESSED_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue  # "rumah saya Kenari Dalam 21", "mobil saya Avanza": "saya" says whose, not who
        span = _name_tokens(text, m.end(), allow_lower=False, strict=True)
        if span:
            add("name", *span)
            continue
        span = _name_tokens(text, m.end(), allow_lower=True, max_tokens=2)
        if (span and _WEAK_LOWER_FOLLOW.match(text, span[1])) or (
            _clause_opens(text, m.start()) and (span := _lower_name(text, m.end()))
        ):
            add("name", *span)  # "sy farhan", "halo min saya rina mau nanya"; not "motor saya satria"
    if "\n" in text and ":" in text:
        _transcript_answers(text, add)
    for m in _RELATION_CUE.finditer(text):
        paren = _OPEN_PAREN.match(text, m.end())  # "ibu sy (Rina) sakit"
        pos = paren.end() if paren else m.end()
        span = _name_tokens(text, pos, allow_lower=False, strict=True)
        if not span:
            # in lower case or capitals, as chat and SMS are written ("anak sy rina jatuh", "SUAMI SAYA HENDRA
            # DIPUKUL"): one word that is no everyday word, shorthand or place (found by a review: kept)
            span = _lower_name(text, pos)
        if span:
            add("name", *span)
    if "-" in text or "~" in text or "–" in text or "—" in text:
        for m in _SIGNOFF.finditer(text):
            span = _name_tokens(text, m.end(), allow_lower=True, max_tokens=2)
            if span and _SIGNOFF_END.match(text, span[1]):
                add("name", *span)
    _sign_off_names(text, add)
    for m in _CLOSING.finditer(text):
        span = _name_tokens(text, m.end(), allow_lower=False, strict=True) or _lower_name(text, m.end())
        if (
            span
            and _LINE_END.match(text, span[1])
            and not _place_name_at(text, span[0])
            and text[span[0] : span[0] + 7].lower() not in ("jakarta", "dki jak")  # "Salam\nJakarta Bersih"
        ):
            add("name", *span)
    for m in _INI_CUE.finditer(text):
        span = _name_tokens(text, m.end(), allow_lower=False, strict=True)
        if span and _INI_FOLLOW.match(text, span[1]) and not _place_name_at(text, span[0]):
            add("name", *span)
    for cue, allow_lower, hint in (
        (_LABEL_CUE, True, ":"),
        (_LABEL_CUE_BARE, False, ""),
        (_NAME_WORD_CUE, False, "ama "),
    ):
        if hint not in text:
            continue
        for m in cue.finditer(text):
            pos = m.end() + (1 if cue is _NAME_WORD_CUE else 0)
            if _HON_RE.match(text, pos):
                continue  # the honorific rule takes it
            span = _name_tokens(text, pos, allow_lower=allow_lower, strict=True)
            if span:
                add("name", *span)
    if ":" in text or " - " in text or "–" in text or "—" in text or "=" in text:
        _label_names(text, add)


def _contact_and_presence_names(text: str, lowered: str, add: Callable[[str, int, int], None]) -> None:
    """Given names (any case) where a message says who to reach or who is writing, with no name of the reporter
    known (found in the registers set's dev half: SMS and chat): after a verb of contact ("hubungi wahyudi",
    "Telepon Santoso", "Cari Dedi di bengkel"; after "cari", "tanya", "kontak" only a capitalised name or one
    before a phone number: "cari sandi wifi", "kontak satria"), before "nih", "di sini", "here" opening a message
    or a clause ("Rafi nih bang", "Udin di sini"), right before a phone number ("Irwan 0812…"), and alone at the
    end of the message ("... tolong 😢 tasya"). Never a street's, a place's or a building's name (``_person_at``).
    Run after the found names are fed back (``find``): these cues are too weak to remove the word elsewhere."""
    for m in _CONTACT_VERB.finditer(text):
        weak = m.group(1).lower() in _WEAK_CONTACT_VERBS
        span = _capitalised_given_name(text, m.end()) or (None if weak else _lower_name(text, m.end()))
        if weak and span is None and (low := _lower_name(text, m.end())) and _NUMBER_NEXT.match(text, low[1]):
            span = low
        if span and not _NOT_ABOUT_A_PERSON_AFTER.match(text, span[1]) and _person_at(text, *span):
            add("name", *span)
    presence = any(w in lowered for w in ("nih", "sini", "here", "lapor", " nh"))
    for m in _PRESENCE_AFTER.finditer(text) if presence else ():
        word = _WORD_ENDING_HERE.search(text, max(0, m.start() - 40), m.start())
        if not word or word.group(1).lower() not in _GIVEN_NAMES:
            continue
        start = word.start(1)
        before = _PREV_ANY_WORD.search(text, max(0, start - 40), start)
        if before and before.group(1).lower() in _GIVEN_NAMES:
            start = before.start(1)  # "rafi ahmad nih"
        if _clause_opens(text, start) and _person_at(text, start, word.end(1)):
            add("name", start, word.end(1))
    if _ANY_DIGIT.search(text):
        for number in _PHONE_START.finditer(text):
            m = _NAME_BEFORE_A_NUMBER.search(text, max(0, number.start() - 40), number.start())
            if m and m.group(1).lower() in _GIVEN_NAMES and _person_at(text, m.start(1), m.end(1)):
                add("name", m.start(1), m.end(1))
    for m in _INI_OPENING.finditer(text) if "ini" in lowered else ():  # "ini ratna, air PAM mati"
        if not _clause_opens(text, m.start()):
            continue
        span = _lower_name(text, m.end()) or _capitalised_given_name(text, m.end())
        if span is None:
            continue
        if not _SENTENCE_OPENS.search(text, max(0, m.start() - 40), m.start()):  # mid-message: "pak, ini …"
            if _PLACE_OR_BUSINESS_NEXT.match(text, span[1]):
                continue  # "btw ini Hana, toko kue …": a shop's name
            if not all(w.lower() in _GIVEN_NAMES for w in _ANY_CASE_WORD.findall(text, *span)[1:]):
                continue  # "btw ini Candra Naya yang", "min, ini Sofia Clinic": a place's or a business's name
            before = text[max(0, m.start() - 8) : m.start()].rstrip(" \t").rstrip(_EMOJI_TAILS)
            if before and unicodedata.category(before[-1]) == "So" and text[span[1] :].strip(" \t.!"):
                continue  # "📍 ini Wijaya pak, macet": after an emoji, only the message's last words sign it
        if _INI_NAME_END.match(text, span[1]) and _person_at(text, *span):
            add("name", *span)
    if "(" in text:
        for m in _NAME_IN_BRACKETS_AFTER_A_NUMBER.finditer(text):  # "di 0812… (Indra)"
            if m.group(1).lower() in _GIVEN_NAMES:
                add("name", *m.span(1))
    last = _LAST_WORD.search(text, max(0, len(text) - 80))  # the end only: "$" makes a whole-text search quadratic
    if last and last.group(1).lower() in _GIVEN_NAMES and _person_at(text, last.start(1), last.end(1)):
        add("name", last.start(1), last.end(1))


def _after_place_or_title(text: str, pos: int) -> bool:
    """Whether a street's, a place's or a building's word, or a title, stands right before ``pos`` ("jl dr …",
    "rs fatmawati", "warung darto", "jl a yani"): what follows is that place's name."""
    return _in_place(text, pos) or bool(_BUILDING_OR_TITLE_BEFORE.search(text, max(0, pos - 30), pos))


# what may follow an emoji's symbol: a skin tone, a variation selector, a joiner
_EMOJI_TAILS = "\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff\ufe0e\ufe0f\u200d"


def _clause_opens(text: str, start: int) -> bool:
    """Whether ``start`` opens the message, a sentence or a clause, or follows a greeting ("halo min, rafi nih")."""
    before = text[max(0, start - 40) : start].rstrip(" \t")
    return (
        not before
        or before[-1] in ".!?\n,;:"
        or unicodedata.category(before.rstrip(_EMOJI_TAILS)[-1:] or " ") == "So"  # "... gunung 😭 ini bella"
        or bool(_GREETING_END.search(before))
    )


def _person_at(text: str, start: int, end: int) -> bool:
    """A given name with no strong cue is a person unless it is a street's, a place's, a building's or a
    business's name: a place word, title, initial or abbreviation right before it ("di A. Yani", "Gereja St.
    Yosef", "jl simatupang"), a place's name it begins or ends ("Sunter Agung"), a hero's street or place word
    after it ("ahmad yani", "agus salim 0812"), another given name before it, or a label of a place ("Lokasi:")."""
    before = text[max(0, start - 30) : start]
    prev = _PREV_ANY_WORD.search(before)
    nxt = _NEXT_ANY_WORD.match(text, end)
    return not (
        _in_place(text, start)
        or _BUILDING_OR_TITLE_BEFORE.search(before)
        or _LOCATIVE_BEFORE.search(text, max(0, start - 12), start)
        or _ABBREVIATION_RIGHT_BEFORE.search(before)
        or _PLACE_LABEL_BEFORE.search(before)
        or _place_name_at(text, start)
        or (
            prev is not None
            and (_place_name_at(text, max(0, start - 30) + prev.start(1)) or prev.group(1).lower() in _GIVEN_NAMES)
        )
        or (nxt is not None and nxt.group(1).lower() in _NOT_A_PERSONS_WORD)
    )


def _transcript_answers(text: str, add: Callable[[str, int, int], None]) -> None:
    """A call transcript's answer to a question for a name ("Op: Atas nama?\nPel: Rudi. Rudi Hartanto.", "Op: Ibu
    sendiri namanya?\nPel: Wati."): in the answer, every capitalised word that is no everyday word, honorific or
    answer word, and every given name, is the person's (found in the registers set's dev half: the operator types
    the caller's answers as said, the name often twice or spelled). Letters spelled one by one ("A I N I",
    "R-A-T-N-A") are cut when they spell a word taken for the name (never "S D N", "R S C M"), and a listed name
    that is also an everyday word is the name's right after one of its words ("Nining Rahayu"). From a street's
    or a building's word on ("Nama jalannya?", "Budi, di Jl. Kenanga") the rest of the answer stays; a spelled
    name's last letter is no initial of a street."""
    for m in _NAME_QUESTION.finditer(text):
        start, end = m.span(1)
        taken: set[str] = set()  # the words taken for the name, lower case
        name_end = -1  # where the last word taken for the name ends
        for word in _ANY_CASE_WORD.finditer(text, start, end):
            w, low = word.group(0), word.group(0).lower()
            if len(w) < 3:
                continue  # an initial, a spelled letter: the word after it decides
            if _after_place_or_title(text, word.start()):
                spelled = _SPELLED_END.search(text[max(start, word.start() - 60) : word.start()])
                if not (spelled and _letters(spelled.group(0)) in taken):
                    break  # "Jl K H A Dahlan": a street; "R-A-T-N-A. Ratna": the name spelled, then said
            if low in _ANSWER_WORDS or low in _HON_TOKENS_LOWER:
                continue
            if (
                low in _GIVEN_NAMES
                or (w[0].isupper() and not _is_common(w))
                or low in _WORDS_THAT_ARE_NAMES
                or (  # "Nining Rahayu": a listed name that is also a word, right after a word of the name
                    w[0].isupper()
                    and low in _LISTED_PERSON_NAMES
                    and low != "hari"  # "Joko Hari ini", "Hari Raya"
                    and name_end >= 0
                    and not text[name_end : word.start()].strip(" \t")
                    and not _BUSINESS_AFTER.match(text, word.end())  # "Rahayu Residence"
                    and not _PLACE_OR_BUSINESS_AFTER.match(text, word.end())  # "Siti Rahayu Salon"
                    and not (
                        (nxt := _NEXT_ANY_WORD.match(text, word.end())) and nxt.group(1).lower() in _NOT_A_PERSONS_WORD
                    )
                )
            ):
                add("name", *word.span())
                if not w.isupper():  # "KPAI" taken by mistake must not take "K P A I" with it
                    taken.add(low)
                name_end = word.end()
        for spelled in _SPELLED_OUT.finditer(text, start, end):  # "A I N I" after "Aini"; never "S D N", "R S C M"
            if _letters(spelled.group(0)) in taken and not _BUSINESS_AFTER.match(text, spelled.end()):
                add("name", *spelled.span())


def _letters(spelled: str) -> str:
    """The word a run of spelled letters makes ("R-A-T-N-A" → "ratna")."""
    return _NOT_A_LETTER.sub("", spelled).lower()


def _capitalised_given_name(text: str, pos: int) -> tuple[int, int] | None:
    """A capitalised name at ``pos`` whose first word is a given name ("Budi", "Wahyu Nugroho")."""
    span = _name_tokens(text, pos, allow_lower=False)
    return span if span and _signed_name(text[span[0] : span[1]]) else None


def _sign_off_names(text: str, add: Callable[[str, int, int], None]) -> None:
    """The writer's name after a sign-off word ("... dari Rudi Hartono", "salam, rudi", "terima kasih budi",
    "trims, rudi_h", "dr: rudi88"; found by reviews: kept when Sigap knows no name, as for an SMS): a given name
    first, in any case (``_signed_name``, ``_lower_name``), or a user name with digits or a dot or underscore
    inside (opening a sentence or ending a line); never a place, a street named after a hero ("Dari Ahmad
    Yani"), a route ("dari halim sampai cawang") or a group."""
    for m in _INLINE_SIGN_OFF.finditer(text):
        if _after_place_or_title(text, m.start(1)):
            continue  # "jl dr abdul rahman saleh", "rs dr sutomo": a doctor's title in a street's or building's name
        pos = m.end()
        opens = _sentence_start(text, m.start(1)) or text[: m.start(1)].rstrip(" \t").endswith(",")
        user = _USER_NAME_TOKEN.match(text, pos)
        if user and not _NOT_A_USER_NAME.match(user.group(0)):
            if opens or _TO_LINE_END.match(text, user.end()):
                add("name", *user.span())
            continue
        span = _name_tokens(text, pos, allow_lower=False)
        if span and not _signed_name(text[span[0] : span[1]]):
            span = None  # "Dari Kalimalang", "salam, Tim Relawan", "Dari Ahmad Yani"
        span = span or _lower_name(text, pos)
        if span and not _DIRECTION_AFTER.match(text, span[1]) and not _place_name_at(text, span[0]):
            add("name", *span)  # "dari budi ke ...", "dari halim sampai cawang": a route


def _signed_name(words: str) -> bool:
    """Whether capitalised words after a sign-off are a person's: a given name first, and no word of a place, a
    business or a group, nor of a street named after a hero ("Dari Agus Salim", "Terima kasih, Bina Marga")."""
    parts = words.split()
    if not parts or not parts[0][0].isupper() or (parts[0].isupper() and len(parts[0]) > 1):
        return False
    return parts[0].lower() in _GIVEN_NAMES and not any(
        p.lower() in _GROUP_WORDS or p.lower() in _NOT_A_PERSONS_WORD for p in parts[1:]
    )


def _lower_name(text: str, pos: int) -> tuple[int, int] | None:
    """A name written in lower case or capitals right after a cue ("anak sy rina jatuh", "SUAMI SAYA HENDRA
    GUNAWAN", "dari budi setiadi"): its first word a given name (``data/given_names.txt``); a second word too
    when it is no everyday word, place, hero's street or slang verb ("rina kesetrum"). The common-word list
    cannot tell "anak sy demam" from "anak sy rina"; the names list can."""
    span = _name_tokens(text, pos, allow_lower=True, max_tokens=2)
    if span is None:
        return None
    words = list(_ANY_CASE_WORD.finditer(text, span[0], span[1]))
    if not words or words[0].group(0).lower() not in _GIVEN_NAMES:
        return None
    if len(words) > 1:
        second = words[1].group(0).lower()
        if second in _NOT_A_PERSONS_WORD:
            return None  # "dari agung sedayu", "dari ahmad yani": a business's, a hero's street
        if second in _GIVEN_NAMES or (
            _VOWEL.search(second) and second not in _PLACE_NAMES and not _SLANG_VERB.match(second)
        ):
            return span[0], words[1].end()
    return span[0], words[0].end()


def _label_names(text: str, add: Callable[[str, int, int], None]) -> None:
    """A name after a label that asks for a person; capitalised words closing a labelled line or Open311 answer."""
    tried_person, tried_line = set(), set()
    for at in _label_separators(text):
        end = at
        while end and text[end - 1] in " \t?":  # "Siapa yang melihat kejadian?: ..."
            end -= 1
        lo = max(0, at - 80)
        start = max(text.rfind(c, lo, end) for c in "\n;].!?,(") + 1
        if (start or not lo) and start not in tried_person:
            tried_person.add(start)
            _person_label(text, start, add)
        if text[at] == ":":
            start = max(text.rfind(c, lo, end) for c in "\n;]") + 1
            if (start or not lo) and start not in tried_line:
                tried_line.add(start)
                _line_label(text, start, add)


def _label_separators(text: str) -> list[int]:
    """Where ":", "=" or a dash between blanks is: the label rules are tried only there (few per text), from the
    start of the line, answer or clause. str.find, not a regex scan: this runs on every text."""
    found = []
    for ch in (":", "=", "-", "–", "—"):
        i = text.find(ch)
        while i >= 0:
            if ch in ":=" or (0 < i < len(text) - 1 and text[i - 1] in " \t" and text[i + 1] in " \t"):
                found.append(i)
            i = text.find(ch, i + 1)
    return sorted(found)


def _person_label(text: str, start: int, add: Callable[[str, int, int], None]) -> None:
    m = _PERSON_LABEL.match(text, start)
    if not m:
        return
    head, qualifier = m.group(1).lower(), m.group(2).split()
    if head in _PERSON_LABEL_NEEDS_QUALIFIER and not qualifier:
        return
    if head in ("nama", "name") and qualifier and qualifier[0].lower() in _NAME_OF_A_THING:
        return
    if _HON_RE.match(text, m.end()):
        return  # the honorific rule takes it
    whole = _LABEL_ANSWER.match(text, m.end())
    if whole and not any(
        _is_common(w) or w.lower() in _HON_TOKENS_LOWER or w.lower() in _CHANNEL_WORDS for w in whole.group(1).split()
    ):
        span = whole.span(1)  # "kontak di lokasi: ratna sari dewi"
    else:
        span = _name_tokens(text, m.end(), allow_lower=True, strict=True, max_tokens=4)
        if not span:  # "Pelaku: Teguh Santoso": a first name that is also a word, then one that is not
            span = _name_tokens(text, m.end(), allow_lower=False, max_tokens=4)
            if span and (
                len(text[span[0] : span[1]].split()) < 2
                or any(_is_common(w) for w in text[span[0] : span[1]].split()[1:])
            ):
                span = None
    if span and not _not_a_person(text, *span) and text[span[0] : span[1]].split()[0].lower() not in _CHANNEL_WORDS:
        add("name", *span)


def _line_label(text: str, start: int, add: Callable[[str, int, int], None]) -> None:
    m = _LINE_LABEL.match(text, start)
    if not m or any(w.lower() in _THING_LABEL for w in m.group(1).split()):
        return
    words = m.group(2).split()
    if any(_is_common(w) or w.lower() in _HON_TOKENS_LOWER for w in words) or _not_a_person(text, *m.span(2)):
        return
    add("name", *m.span(2))


def _joined_names(text: str, spans: list[tuple[int, int, str]], add: Callable[[str, int, int], None]) -> None:
    """A second person joined to a found name by "dan"/"sama"/"&": "Pak Darto sama istrinya, Bu Marni", "Putu Ayu dan
    Komang Adi". Capitalised, not common words (the honorific rule already took "dan Bu Marni")."""
    for _start, end, kind in list(spans):
        if kind != "name":
            continue
        m = _AND_NEXT.match(text, end)
        if m and not _HON_RE.match(text, m.end()):
            span = _name_tokens(text, m.end(), allow_lower=False, strict=True)
            if span:
                add("name", *span)


_ANY_DIGIT = re.compile(r"\d")  # the same characters as str.isdigit() for the digits that matter here
# on the folded copy, where every apostrophe is "'". Letters and digits only: "_" joins words in user names and
# sign-offs ("Rina_Marlina"), and the reporter's name joined so is still their name (found by a review)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# what may stand between the words of the reporter's full name: blanks, or a user name's joiners ("rina_marlina",
# "rina.marlina", "rina-marlina", "indah___sari", "indah/sari")
_NAME_JOINERS = re.compile(r"[_.\-/~]{0,3}")


def _with_digits(word: str, token: str) -> bool:
    return len(word) > len(token) and word.startswith(token) and word[len(token) :].isdigit()


_ARTICLES = _words("al el ar as at ad an ash")
_FAMILY = _words("mama papa mami papi umi abi mbok emak ema bunda ayah ibu bapak")


def _profile_words(name: str) -> list[str]:
    """A profile name's words, a word joined by "-" split where both sides are names of three letters or more
    ("Budi-Santoso", "Nur-Aini"; found by a review: never matched) but not after an article ("Al-Ikhlas")."""
    words = []
    for word in name.split():
        pieces = word.split("-")
        if (
            len(pieces) > 1
            and all(len(p) >= 3 for p in pieces)
            and pieces[0].lower() not in _ARTICLES
            # "Warga-Kemang", "Info-Cempaka", "Mama-Kevin": a display name that is no person's name stays whole
            and not any(
                _is_common(p) or p.lower() in _ROLES or p.lower() in _HON_TOKENS_LOWER or p.lower() in _FAMILY
                for p in pieces
            )
        ):
            words.extend(pieces)
        else:
            words.append(word)
    return words


def _reporter_names(
    text: str, names: Iterable[str], add: Callable[[str, int, int], None], *, place_text: bool = False
) -> None:
    """The reporter's own names: full names, then parts. No regex is compiled per name (it runs on every report)."""
    fulls: set[tuple[str, ...]] = set()
    parts: dict[str, bool] = {}  # lowercase part -> is a common word
    for name in names:
        tokens = tuple(t.lower() for t in (w.strip(".,()-") for w in _profile_words(name or "")) if t)
        if not tokens:
            continue
        if len(tokens) > 1 or len(tokens[0]) >= 3:
            fulls.add(tokens)  # a one-word name is treated like a part below
        for low in tokens:
            if (
                len(low) < 3
                or low in _HON_TOKENS_LOWER
                or low in _FUNCTION
                or low in _ROLES
                or low in _PLACE_PREFIXES  # "Admin Masjid Al-Ikhlas": the mosque is not the reporter
                or not low.replace("'", "").isalpha()  # "Ma'ruf", "Syafi'i", "Nur'aini" are names too
            ):
                continue
            parts[low] = _is_common(low)
    if not fulls:
        return
    initials = {t[0] for tokens in fulls for t in tokens if t[0].isalpha()}
    found: list[tuple[int, int]] = []
    outer_add = add
    regions = _region_spans(text, fulls, parts, place_text=place_text)

    def add(kind: str, start: int, end: int) -> None:  # the same door, remembering what it cut
        if regions and any(a <= start and end <= b for a, b in regions):
            return  # a kelurahan's, kecamatan's or kota's name written as the place (``_region_spans``)
        found.append((start, end))
        outer_add(kind, start, end)

    if parts and _SINGLE_LETTER.search(text):  # every spelled name has a vowel said as one letter
        _spelled(text, parts, add)
    # Short forms of a long part: "Gisel" for Gisella, "Meli" for Meliana, "Harti" for Suharti (4+ letters, not a
    # common word). Built per call from a handful of names: a few dozen strings, no regex.
    affixes = {}
    for low, common in parts.items():
        if len(low) >= 6 and not common:
            for k in range(4, len(low)):
                affixes.setdefault(low[:k], False)
                affixes.setdefault(low[-k:], False)
    words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
    places: list[tuple[int, int]] = []  # the reporter's name kept as a place's: none of its words is cut after

    def kept(start: int, end: int) -> bool:
        if _kept_as_place(text, start, end):
            places.append((start, end))
            return True
        return False

    _names_with_more_parts(text, words, parts, add, kept)
    _split_parts(text, words, parts, add, kept)
    _syllables(text, words, parts, add, kept)
    for tokens in fulls:
        n = len(tokens)
        for i in range(len(words) - n + 1):
            if (
                all(words[i + k][2] == tokens[k] for k in range(n - 1))
                # a user name's trailing digits: "ratna_sari_dewi88"
                and (words[i + n - 1][2] == tokens[-1] or _with_digits(words[i + n - 1][2], tokens[-1]))
                and all(
                    _NAME_JOINERS.fullmatch(text[words[i + k][1] : words[i + k + 1][0]].strip(" \t"))
                    and words[i + k][1] < words[i + k + 1][0]
                    for k in range(n - 1)
                )
                and not (
                    # one word is read like a part ("Utomo" in "Jl. Budi Utomo" is the street's; "indah" an
                    # ordinary word unless capitalised or introducing the writer)
                    _in_place(text, words[i][0], own=True) if n == 1 else kept(words[i][0], words[i + n - 1][1])
                )
            ):
                add("name", words[i][0], words[i + n - 1][1])
    for start, end, low in words:
        common = parts.get(low)
        if common is None:
            common = affixes.get(low)
            if common is None or _is_common(low):
                continue
        if common and text[start].islower() and not _introduces_self(text, start, end):
            continue  # "indah", "teguh": an ordinary word unless capitalised or introducing the writer ("ini teguh.")
        if (
            _in_place(text, start, own=True)
            or any(a <= start < b for a, b in places)  # "jalan agus salim": the street, lower-case too
            or _glued_to_other_proper_noun(text, start, end, parts.keys())
        ):
            continue
        add("name", start, end)
    _glued_and_joined(text, words, parts, initials, add)
    for start, end in found:
        _with_initials(text, start, end, initials, outer_add)


_SPLIT_GAP = re.compile(r"[ \t]*-?[ \t]*")


def _split_parts(
    text: str,
    words: list[tuple[int, int, str]],
    parts: dict[str, bool],
    add: Callable[[str, int, int], None],
    kept: Callable[[int, int], bool],
) -> None:
    """A long part written as two words beside another part of the name ("Wiryawan Sasmita Putra" for Wiryawan
    Sasmitaputra, "Siti Nur Hayati" for Siti Nurhayati; found by a review: such surnames are written both ways): both
    words go. Alone the two words are as often a thing's, a shop's or a place's ("Truk Batu Bara", "Toko Permata
    Sari", "Setia Budi") and stay."""
    long = {p: False for p, common in parts.items() if len(p) >= 7 and not common}
    if not long:
        return
    for k, ((s1, e1, w1), (s2, e2, w2)) in enumerate(pairwise(words)):
        # one typo allowed, as for a part written whole ("Sasmita Putera", "Permata Sary")
        if not (len(w1) >= 3 and len(w2) >= 3 and _SPLIT_GAP.fullmatch(text, e1, s2) and parts_near(w1 + w2, long)):
            continue
        before = words[k - 1] if k else None
        after = words[k + 2] if k + 2 < len(words) else None
        if not (before and parts_near(before[2], parts) and _SPLIT_GAP.fullmatch(text, before[1], s1)):
            before = None
        if not (after and parts_near(after[2], parts) and _SPLIT_GAP.fullmatch(text, e2, after[0])):
            after = None
        if (
            (before or after) and w1 + w2 not in _PLACE_NAMES and not _in_place(text, s1, own=True) and not kept(s1, e2)
        ):  # the part beside goes with it: "Wirya Wan Sasmitaputra" is one name
            add("name", before[0] if before else s1, after[1] if after else e2)


_SYLLABLE_GAP = re.compile(r"[ \t]*-[ \t]*|[._]")
_BETWEEN_SYLLABLES = frozenset(" \t-._")


def _syllables(
    text: str,
    words: list[tuple[int, int, str]],
    parts: dict[str, bool],
    add: Callable[[str, int, int], None],
    kept: Callable[[int, int], bool],
) -> None:
    """A part of the reporter's name written in syllables ("Rat-na Sa-ri", "Rat.na", "pur-na-ma-sa-ri"; found by a
    review): two to six pieces joined by hyphens, dots or underscores that make a part of four letters or more. Not
    pieces joined by spaces: short words glue into names too often ("ya di sini" for Yadi, "bu di posyandu" for
    Budi). A part that is an everyday word ("sari") goes only beside one that is not, or beside a part written
    whole, with at most a space, a hyphen, a dot or an underscore between."""
    runs: list[tuple[int, int, bool]] = []  # (start, end, the part is an everyday word)
    for i in range(len(words)):
        joined = words[i][2]
        for j in range(i + 1, min(i + 6, len(words))):
            if not _SYLLABLE_GAP.fullmatch(text, words[j - 1][1], words[j][0]):
                break
            joined += words[j][2]
            if (
                joined in parts
                and len(joined) >= 4
                and not _in_place(text, words[i][0], own=True)
                and not kept(words[i][0], words[j][1])
            ):
                runs.append((words[i][0], words[j][1], parts[joined]))
                break
    # where a name not an everyday word ends and starts: looked up by position, once (a text of thousands of runs
    # stays linear; found by a review)
    ends = {e for s, e, c in runs if not c} | {e for s, e, w in words if w in parts and not parts[w]}
    starts = {s for s, e, c in runs if not c} | {s for s, e, w in words if w in parts and not parts[w]}
    for start, end, common in runs:
        if common:
            before, after = start, end
            while before and text[before - 1] in _BETWEEN_SYLLABLES:
                before -= 1
            while after < len(text) and text[after] in _BETWEEN_SYLLABLES:
                after += 1
            if before not in ends and after not in starts:
                continue
        add("name", start, end)


def _short_form_of(word: str, own) -> bool:
    """ "Sasmita" for Sasmitaputra: the first or last five letters or more of a part of eight or more, not an everyday
    word ("Jaya" of Wijaya, "Putra", "Sari" are other people's and shops' names too)."""
    return (
        len(word) >= 5
        and not _is_common(word)
        and any(len(p) >= 8 and p != word and (p.startswith(word) or p.endswith(word)) for p in own)
    )


def _glued(word: str, parts) -> bool:
    """ "sitiaminah", "SitiAminah", "aminahsiti88": two or more of the reporter's name parts written as one word."""
    core = word.rstrip("0123456789")
    if len(core) < 6 or not core.startswith(tuple(parts)):
        return False
    # can core[i:] be cut into parts? (a handful of parts, a word of a dozen letters)
    ends = {len(core): 0}
    for i in range(len(core) - 1, -1, -1):
        best = max((ends[i + len(p)] + 1 for p in parts if core.startswith(p, i) and i + len(p) in ends), default=0)
        if best:
            ends[i] = best
    return ends.get(0, 0) >= 2


_JOINED_GAP = re.compile(r"[_.\-/~]{1,3}")


def _glued_and_joined(
    text: str,
    words: list[tuple[int, int, str]],
    parts: dict[str, bool],
    initials: set[str],
    add: Callable[[str, int, int], None],
) -> None:
    """The reporter's name written as one word ("SitiAminah"), and a user name that holds a part of it with
    nothing but initials, other parts and digits beside it ("ratna.s.dewi88", "r.s.dewi"): the whole of it goes,
    since cutting the part alone leaves the rest for the officer to read (found by a review)."""
    prefixes = tuple(parts)
    i = 0
    while i < len(words):
        j = i
        while (
            j + 1 < len(words)
            and text[words[j][1]] in "_.-/~"
            and _JOINED_GAP.fullmatch(text, words[j][1], words[j + 1][0])
        ):
            j += 1
        if j == i:  # one word, as most are: only a glued name or a part with digits can be one
            low = words[i][2]
            if not low.startswith(prefixes) or (low.isalpha() and len(low) < 6):
                i += 1
                continue
        group, i = words[i : j + 1], j + 1
        start, end = group[0][0], group[-1][1]
        glued = False
        seen: set[str] = set()
        digits = others = 0
        first = None  # where the name starts: "instagram.com/kevinaprilio" keeps the site's name
        for s, e, low in group:
            core = low.rstrip("0123456789")
            if _glued(low, parts) and _glued_as_written(text[s:e], core, len(group) > 1, text, s):
                glued = True
            elif core in parts:  # exact: "mana-mana" is no "Maya" one typo away
                seen.add(core)
                if low[len(core) :] != "2":  # "bunga2", "aman2": a doubled word, not a user name's digits
                    digits += len(low) - len(core)
            elif low.isdigit():
                digits += len(low)
                continue
            elif not (len(low) == 1 and low in initials):
                others += 1
                continue
            first = s if first is None else first
        uncommon = any(not parts[p] for p in seen)
        if not (
            glued
            or (len(seen) >= 2 and others <= 2)  # "ratna.sari.dewi88" for Ratna Dewi
            # "aminah88", "rina_marlina", "teguh_99"; not "Indah-3", "Jaya-2" (a numbered cluster, a bus)
            or (seen and others <= 1 and ((uncommon and (len(group) > 1 or digits)) or digits >= 2))
        ):
            continue
        letters = [low for _s, _e, low in group if not low.isdigit()]
        if len(letters) > 1 and len(set(letters)) == 1:
            continue  # a doubled word ("indah-indah", "hati-hati") is no user name
        if (
            _in_place(text, start, own=True)
            or any(low in _PLACE_PREFIXES or low in _ROLES for _s, _e, low in group)
            or _glued_to_other_proper_noun(text, start, end, parts.keys())
        ):
            continue  # "Kecamatan Setiabudi" for Setia Budi, "Jl.Budi", "RW.Jaya/05", "Bus Sinar Jaya-2"
        add("name", start if first is None else first, end)


def _glued_as_written(word: str, core: str, joined: bool, text: str, start: int) -> bool:
    """Whether a word made of the reporter's name parts is written as their name glued ("SitiAminah",
    "sitiaminah", "sitiaminah88", "sitiaminah_jkt") and not as a place's or a word's one spelling ("Trisakti",
    "Setiabudi", "analisa", "budidaya"; found by a review): a capital inside it, digits or joiners beside it, or
    in lower case a long word that is neither common nor a place's name."""
    if len(word) > len(core) or joined:
        return True
    if any(c.isupper() for c in word[1:]) and any(c.islower() for c in word):
        return True  # "SitiAminah"; not "SETIABUDI", a word in capitals
    if word[0].isupper() and word[1:].islower():
        # "Nurhayati" for Nur Hayati, as such names are often written; not a place's name ("Setiabudi") nor a
        # word after "di", "dekat", "ke" ("dekat Trisakti"), where a place is meant
        return (
            core not in _PLACE_NAMES
            and not _is_common(core)
            and not _LOCATIVE_BEFORE.search(text, max(0, start - 12), start)
        )
    if word.isupper():
        # in capitals among words that are not ("dari RATNASARI, got mampet"; found by a review): a message written
        # all in capitals ("BUS SINARJAYA NGETEM") says nothing by them
        around = text[max(0, start - 60) : start + len(word) + 60]
        return any(c.islower() for c in around) and len(core) >= 8 and not _is_common(core) and core not in _PLACE_NAMES
    return word.islower() and len(core) >= 9 and not _is_common(core) and core not in _PLACE_NAMES


_INITIAL_AFTER = re.compile(r"[ \t]*([A-Za-z])(?:\.(?![A-Za-z])|(?=[ \t]*(?:[,;:!?\n]|$)))")  # not "S.Pd"
_INITIAL_BEFORE = re.compile(r"(?:^|(?<=[^\w.]))([A-Za-z])\.[ \t]*$")


def _with_initials(text: str, start: int, end: int, initials: set[str], add: Callable[[str, int, int], None]) -> None:
    """An initial of the reporter's name beside a cut part is theirs too: "Siti A.", "S. Aminah"."""
    last = end
    for _ in range(3):  # "Ratna S. D."
        m = _INITIAL_AFTER.match(text, last)
        if not (m and m.group(1).lower() in initials and (text[m.start(1)].isupper() or text[start].islower())):
            break
        last = m.end()
    if last > end:
        add("name", start, last)  # one span with the name: adjacent spans would give two placeholders
    m = _INITIAL_BEFORE.search(text, max(0, start - 4), start)
    if m and m.group(1).lower() in initials and text[m.start(1)].isupper():
        add("name", m.start(1), end)


def parts_near(word: str, parts) -> str | None:
    """The reporter's name part ``word`` is, or is one typo away from ("Budy", "Santosa", "Bud1" for Budi
    Santoso; parts of four letters or more): a misspelt part next to a right one is still their name."""
    if word in parts:
        return word
    if len(word) >= 4:
        for part in parts:
            if len(part) >= 4 and abs(len(part) - len(word)) <= 1 and Levenshtein.distance(word, part) <= 1:
                return part
    return None


def _names_with_more_parts(
    text: str,
    words: list[tuple[int, int, str]],
    parts: dict[str, bool],
    add: Callable[[str, int, int], None],
    kept: Callable[[int, int], bool],
) -> None:
    """Two or more of the reporter's name parts in one run of words with at most two other words between them
    ("Budi Hadi Santoso" for "Budi Santoso", "Siti Nur Aminah" for "Siti Aminah"): a profile or display name is
    often shorter than the name its owner writes, so the whole run is theirs, middle names included. The words in
    between are names too (not function words, not on another line)."""
    if len(parts) < 2:
        return

    i = 0
    while i < len(words):
        first = parts_near(words[i][2], parts)
        if first is None:
            i += 1
            continue
        last, seen, j, between = i, {first}, i + 1, 0
        while j < len(words) and between <= 2:
            gap = text[words[j - 1][1] : words[j][0]]
            if gap.strip(" \t") or not gap or words[j][2] in _FUNCTION:
                break
            part = parts_near(words[j][2], parts)
            if part is not None:
                last, between = j, 0
                seen.add(part)
            else:
                between += 1
            j += 1
        if len(seen) >= 2 and not kept(words[i][0], words[last][1]):
            add("name", words[i][0], words[last][1])
        i = last + 1 if last > i else i + 1


_SELF_BEFORE = re.compile(
    r"(?i)(?:(?<![\w])(?:ini|saya|sy|aku|gw|gue|gua|namaku|nama|namanya|dipanggil|panggil)[ \t]*,?[ \t]*|(?:^|[ \t])[-–—~][ \t]*)$"
)
_SELF_AFTER = re.compile(r"(?i)[ \t]*,?[ \t]*(?:nih|ni|di[ \t]?sini|dsini|disini|here|warga)(?![\w])")
_LAST_WORD_SIGNOFF = re.compile(r"[.!?\n][ \t]*$")  # "... di Kebon Kosong. tulus" (the text ends with the word)


def _introduces_self(text: str, start: int, end: int) -> bool:
    """ "ini teguh.", "saya tulus", "- tulus" (a sign-off), "bunga di sini", "teguh nih"."""
    return bool(
        _SELF_BEFORE.search(text, max(0, start - 20), start)
        or _SELF_AFTER.match(text, end)
        or (not text[end:].strip(" \t.!") and _LAST_WORD_SIGNOFF.search(text, max(0, start - 5), start))
    )


# Letters spelled out one by one ("B-U-D-I", "b u d i", "B.U.D.I"), also by their Indonesian names ("be u de i").
_LETTER_NAMES = {
    "be": "b",
    "ce": "c",
    "de": "d",
    "ef": "f",
    "ge": "g",
    "ha": "h",
    "je": "j",
    "ka": "k",
    "el": "l",
    "em": "m",
    "en": "n",
    "pe": "p",
    "ki": "q",
    "er": "r",
    "es": "s",
    "te": "t",
    "ve": "v",
    "fe": "v",
    "we": "w",
    "eks": "x",
    "ye": "y",
    "zet": "z",
}
_LETTER = r"(?:" + _alt(_LETTER_NAMES) + r"|[a-z])"
_SPELLED_RUN = re.compile(
    r"(?i)(?<![\w])" + _LETTER + r"(?:(?:[ \t]*[\-.][ \t]*|[ \t]+)" + _LETTER + r"(?![\w])){2,}\.?"
)
_SPELLED_TOKEN = re.compile(r"(?i)" + _LETTER + r"(?![\w])")
# Capital letters joined by hyphens are a name being spelled whoever it belongs to ("F-A-D-L-I", "S-I-M-A-T-U-P-A-N-G").
_SINGLE_LETTER = re.compile(r"(?<![\w])[A-Za-z](?![\w])")
_HYPHEN_SPELLED = re.compile(r"(?<![\w\-])[A-Z](?:-[A-Z]){3,}(?![\w\-])")


def _spelled(text: str, parts: dict[str, bool], add: Callable[[str, int, int], None]) -> None:
    """The reporter's name parts spelled letter by letter: any window of a run of spelled letters that reads as a part."""
    for run in _SPELLED_RUN.finditer(text):
        tokens = [
            (m.start(), m.end(), _LETTER_NAMES.get(m.group(0).lower(), m.group(0).lower()))
            for m in _SPELLED_TOKEN.finditer(text, run.start(), run.end())
        ]
        letters = "".join(t[2] for t in tokens)
        for part in parts:
            i = letters.find(part)
            while i >= 0:
                add("name", tokens[i][0], tokens[i + len(part) - 1][1])
                i = letters.find(part, i + 1)


_PREV_WORD = re.compile(r"([A-Za-z][\w'’]*)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z][\w'’]*)")


def _glued_to_other_proper_noun(text: str, start: int, end: int, own) -> bool:
    """ "Setia Budi", "Budi Utomo": the part sits in another capitalised phrase, so it is a place or another person."""
    if not text[start].isupper() or (text[start:end].isupper() and len(text[start:end]) > 1 and _mostly_upper(text)):
        return False
    prev = _PREV_WORD.search(text, max(0, start - 40), start)
    if prev and prev.group(1).lower() in _BUSINESS_PREFIXES:
        return False  # "Toko Budi", "Toko Budi Jaya": the reporter's own shop names them
    nxt = _NEXT_WORD.match(text, end)
    for m in (prev, nxt):
        if not m:
            continue
        w = m.group(1)
        low = w.lower()
        if len(w) < 2 or text[m.end(1) : m.end(1) + 1] == ".":
            continue  # an initial ("Siti N.")
        if (
            w[0].isupper()
            and parts_near(low, own) is None
            # "Wiryawan Sasmita" for Wiryawan Sasmitaputra: beside a whole part only ("Setia Budi" stays a place)
            and not (_short_form_of(low, own) and parts_near(text[start:end].lower(), own) is not None)
            and low not in _FUNCTION
            and low not in _HON_TOKENS_LOWER
            and low not in _ROLES
            and low not in _CONTACT_VERBS
            and not (m is prev and _sentence_start(text, m.start(1)) and _is_common(w))
        ):
            return True  # ("Laporan Budi": a capitalised ordinary word opening the sentence does not count)
    return False


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before[-1] in ".!?\n:;\"'(-~"


@lru_cache(maxsize=16)  # asked once per name found in the same text
def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _money(text: str, start: int, raw: str) -> bool:
    """An amount after "Rp"/"IDR" ("Rp 1.500.000"); an amount never starts with 0, so "Rp 0812…" is a number."""
    return bool(_MONEY_BEFORE.search(text, max(0, start - 6), start)) and not raw.lstrip(" (").startswith(
        ("0", "O", "o")
    )


def _phones(text: str, add: Callable[[str, int, int], None]) -> None:
    if not _DIGITISH.search(text):
        return

    def phone(start: int, end: int) -> None:
        # an opening bracket whose closing one the number leaves out stays with it: "Arif (0813 …)." kept a lone ")"
        if text[start] == "(" and ")" not in text[start:end]:
            start += 1
            while start < end and text[start] in " \t":
                start += 1
        add("phone", start, end)

    for match in phonenumbers.PhoneNumberMatcher(text, "ID", leniency=phonenumbers.Leniency.VALID):
        start, raw = match.start, match.raw_string
        if match.number.extension:
            raw = _EXTENSION.sub("", raw)
        if _money(text, start, raw) or _DATE_OR_TIME.match(raw):
            continue
        phone(start, start + len(raw))
    for m in _MOBILE.finditer(text):
        if not _money(text, m.start(), m.group(0)):
            phone(m.start(), m.end())
    for m in _OWN_NUMBER_CUE.finditer(text):
        phone(m.start(1), m.end(1))
    for m in _PHONE_CUE.finditer(text):
        raw = m.group(1)
        if sum(c.isdigit() for c in raw) >= 6 and not _DATE_OR_TIME.match(raw.strip()):
            phone(m.start(1), m.end(1))


def _plates(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _PLATE.finditer(text):
        region, sep1, number, sep2, suffix = m.group(1), m.group(2), m.group(3), m.group(4) or "", m.group(5)
        before = text[max(0, m.start() - 30) : m.start()]
        if suffix is None:
            if _PLATE_CUE_BEFORE.search(before) and (region.isupper() or region.islower()):
                add("plate", m.start(), m.end(3))
            continue
        if not ((region.isupper() and suffix.isupper()) or (region.islower() and suffix.islower())):
            continue
        cue = _PLATE_CUE_BEFORE.search(before)
        full = (
            bool(sep1 and sep2) and len(number) >= 3 and len(suffix) >= 2
        )  # "bus B 7001 TGA" is a plate, "bus B11" not
        if not cue and (suffix.lower() in _PLATE_SUFFIX_STOP or (not full and _PLATE_BEFORE_STOP.search(before))):
            continue
        if region.islower() and (len(number) < 3 or suffix in _COMMON) and not cue:
            continue
        if not sep1 and not sep2 and (len(number) < 2 or len(suffix) < 2):
            continue  # "P3K", "K3L", "B3"
        add("plate", m.start(), m.end())


def _handles(text: str, add: Callable[[str, int, int], None]) -> None:
    if "@" in text:
        for m in _HANDLE_AT.finditer(text):
            add("handle", m.start(), m.end())
    for m in _HANDLE_URL.finditer(text):
        add("handle", m.start(1), m.end(1))
    if "facebook.com/" in text.lower() or "fb.com/" in text.lower():
        for m in _FB_PROFILE_ID.finditer(text):
            group = 1 if m.group(1) else 2
            add("handle", m.start(group), m.end(group))
    for m in _HANDLE_CUE.finditer(text):
        weak_cue, sep, handle = m.group(1), m.group(2), m.group(3)
        explicit = any(c in sep for c in ":=@")
        shaped = any(c in handle for c in "_.0123456789")
        if (explicit or (shaped and not weak_cue)) and (shaped or not _is_common(handle)):
            add("handle", m.start(3) - (1 if sep.endswith("@") else 0), m.end(3))
    for m in _FB_CUE.finditer(text):
        if m.group(1) or " " in m.group(2).strip():
            add("handle", m.start(2), m.end(2))


def _houses(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _HOUSE.finditer(text):
        number = m.group(1)
        before = text[max(0, m.start() - 40) : m.start()]
        if number.strip() in _EMERGENCY or _house_stopped(before) or _HOUSE_AFTER_STOP.match(text, m.end()):
            continue
        if number.isdigit() and not (
            any(
                w.lower() in _HOUSE_CONTEXT_WORDS for w in _WORD_BEFORE.findall(text, max(0, m.start() - 60), m.start())
            )
            or _HOUSE_CONTEXT_AFTER.match(text, m.end())
        ):
            continue  # a bare "no. 1" is a rank or a song ("yang harus diperbaiki no. 1"), not a house
        add("house", m.start(), m.end())
    for m in _HOUSE_UNIT.finditer(text):
        add("house", m.start(), m.end())
    for m in (*_OWN_HOME_NUMBER.finditer(text), *_OWN_HOME_LOWER.finditer(text)):
        number, street = m.group(2), [w.lower() for w in _WORD_BEFORE.findall(m.group(1))]
        if any(w in _NOT_AT_THE_HOME for w in street):
            continue
        gap = text[m.start() : m.start(1)]
        if _DI_AT_THE_END.search(gap) and any(w.lower() in _NEAR_THE_HOME for w in _WORD_BEFORE.findall(gap)):
            continue  # "rumah saya dekat pabrik di Jl. Industri 5", "… banjir dari got di Jl. Kenari 17": the problem's
        if not (
            number in _EMERGENCY
            or (len(number) == 4 and number[:2] in ("19", "20"))  # a year: "tinggal di Jl. Rawa Bambu sejak 1998"
            or street[-1] in _NOT_A_HOUSE_BEFORE
            or any(w in ("rt", "rw") for w in street)  # "tinggal di RT 06": the neighbourhood's number
            or all(w in _STREET_WORDS for w in street)  # "tinggal di Gang 5": the gang's own number
            or _house_stopped(m.group(1))
        ):
            add("house", m.start(2), m.end(2))
    lowered = text.lower()
    if "unit" in lowered:
        for m in _UNIT_NUMBER.finditer(text):
            if _UNIT_OF_A_THING.search(text, max(0, m.start() - 40), m.start()):
                continue
            if _FLAT_CONTEXT.search(text, max(0, m.start() - 60), m.start()):
                add("house", m.start(), m.end())
    if "kamar" in lowered or "kmr" in lowered or "pintu" in lowered:
        for m in _ROOM_NUMBER.finditer(text):
            own = max(
                _OWN_DWELLING.finditer(text, max(0, m.start() - 50), m.start()), key=lambda o: o.end(), default=None
            )
            between = text[own.end() : m.start()].lower() if own else ""
            if (
                own is None
                or _SOMEONE_ELSE_S.search(between)  # "tetangga di kamar 12", "di kamar 7 ada yang …"
                or _ROOM_RANGE.match(text, m.end())  # "kamar 12 sampai 20": rooms of a block
                or _SOMEONE_ELSE_S.match(text[m.end() : m.end() + 30].lower())
                or (m.group(0).lower().startswith("pintu") and "kontrakan" not in between and "petak" not in between)
            ):
                continue
            add("house", m.start(), m.end())
    if "/" in text:
        for pattern in (_FLAT_SLASH, _ESTATE_HOUSE):  # group 1: the pair ("12/07", "C2/15"); 2: the home in it
            for m in pattern.finditer(text):
                if not _RT_RW_BEFORE.search(text, max(0, m.start(1) - 10), m.start(1)):
                    add("house", m.start(2), m.end(2))


# An office the writer holds that one person (or a few) holds: "Saya ketua RT 03 RW 05", "sy bendahara RW 05", "saya
# kepala sekolah SDN 01 …", "kami pemilik warung di depan" (found by a review: the lurah appoints the ketua RT, and the
# kelurahan's officer knows them by name). A bare title ("ketua", "bendahara", "camat") is the writer's only with a word
# that says so before it ("selaku", "sebagai", "adalah" …) or with what it heads after it ("ketua RT 03", "ketua PKK
# RW 05", "ketua DKM Masjid Al-Ikhlas"): "Saya camat ditelpon tidak diangkat" is about the camat. A title that names
# its office in itself ("kepala sekolah", "pemilik warung", "pengurus DKM", "Pak RT") needs neither.
_BARE_TITLE = (
    r"(?:wakil[ \t]+)?(?:ketua|ketu|sekretaris|sekertaris|bendahara|bendahari|lurah|camat|kades|kepsek|"
    r"direktur|direktris|manajer|manager|koordinator|korlap|takmir|marbot|mandor)"
)
_NAMED_TITLE = (
    r"kepala[ \t]+(?:sekolah|desa|dusun|lingkungan|gudang|bagian|seksi|divisi|cabang|toko|kantor|puskesmas|keamanan|"
    r"proyek|tukang|produksi|personalia|sekretariat|tata[ \t]+usaha|laboratorium|lab|ruangan|regu|satpam|pasar|sekuriti)"
    r"|pengurus(?=[ \t]+(?:dkm|masjid|musala|musholla|mushola|karang[ \t]+taruna|pkk|rt|rw)(?![a-z]))"
    r"|(?:pak|bu|bapak|ibu)(?=[ \t]+(?:rt|rw)(?![a-z]))"
    r"|(?:pemilik|pengelola|owner)[ \t]+(?:warung|toko|kios|kos|kost|kosan|kontrakan|bengkel|usaha|rumah[ \t]+makan|"
    r"restoran|resto|kafe|cafe|salon|laundry|apotek|klinik|pangkalan|gudang|pabrik|yayasan|sekolah|lapak|konter)"
)
# what a title heads: a body of the neighbourhood or a mosque; its name stays ("[jabatan disembunyikan] Masjid
# Al-Ikhlas": a mosque's board is a few people, and its name may be where the problem is)
_OFFICE_BODY = (
    r"(?:[ \t]+(?:pkk|dkm|karang[ \t]+taruna|posyandu|lmk|fkdm|paguyuban|koperasi|majelis[ \t]+taklim|remaja[ \t]+masjid"
    r"|risma|masjid|musala|musholla|mushola)(?![a-z]))"
)
# the RT/RW it is of ("RT 03 RW 05", "RW.05", "RT 03/05", "RT03", "RT" alone)
_OFFICE_RT = r"(?:[ \t]+(?:rt|rw)(?![a-z])(?:[ \t.:]*\d{1,3})?(?:[ \t]*/[ \t]*(?:rw[ \t.:]*)?\d{1,3}|[ \t]+rw(?![a-z])[ \t.:]*\d{1,3})?)"
_OFFICE = (
    r"(?P<title>(?P<named>" + _NAMED_TITLE + r")|" + _BARE_TITLE + r")(?![a-z])"
    r"(?P<body>" + _OFFICE_BODY + r")?(?P<rt>" + _OFFICE_RT + r")?"
)
_SAYS_SO = (
    r"(?:adalah|ialah|selaku|sebagai|merupakan|(?:yang[ \t]+|yg[ \t]+)?(?:jadi|menjadi)"
    r"|(?:yang[ \t]+|yg[ \t]+)?menjabat(?:[ \t]+sebagai)?)"
)
# The writer opens a clause ("Saya ketua …", "Halo, saya …", "… dan saya …"): not "Menurut saya, kepala sekolah itu …",
# "Keluhan saya adalah ketua RT …", "Anak saya ketua kelas", "Saya, ketua RT 05 dan warga …" (found by reviews of the
# first forms). Their name may stand between, with a comma or "selaku" ("Saya Budi Santoso, ketua RT 03").
# words after which "saya" opens what the writer says of themself ("nama saya Teguh, ketua RT 07")
_CLAUSE_OPENERS = ("dan", "karena", "krn", "tapi", "namun", "jadi", "halo", "hai", "nama", "perkenalkan")
_OWN_OFFICE = re.compile(
    r"(?i)(?:^|(?<=[.!?\n,;:(])|(?<=[.!?\n,;:(][ \t])|"
    + "|".join(rf"(?<=\b{w}[ \t])" for w in _CLAUSE_OPENERS)  # a look-behind has one width: one per word
    + r")"
    r"[ \t]*(?:saya|sy|aku|kami|gw|gue)"
    r"(?P<name>[ \t]+(?-i:[A-Z][a-z'’]+)(?:[ \t]+(?-i:[A-Z][a-z'’]+)){0,2}(?=[ \t]*,|[ \t]+(?:selaku|sebagai)))?"
    r"(?:[ \t]*,)?"
    r"[ \t]*\(?[ \t]*"
    r"(?:(?:yang[ \t]+|yg[ \t]+)?(?:kebetulan|juga|sendiri|sekarang|saat[ \t]+ini)[ \t]+)*"
    r"(?P<says>" + _SAYS_SO + r"[ \t]+)?"
    r"(?P<office>" + _OFFICE + r")"
    r"(?P<after>[ \t]*,?[ \t]*[a-z]+)?"
)
# "Sebagai Ketua RT 05, saya …": the office first, then the writer
_OFFICE_FIRST = re.compile(
    r"(?i)(?:^|(?<=[.!?\n,;:])[ \t]*)(?:sebagai|selaku)[ \t]+(?P<office>"
    + _OFFICE
    + r")[ \t]*,?[ \t]*(?:saya|sy|aku|kami)(?![\w])"
)
# what the ketua RT does, after "Nama saya Budi, ketua RT 07 …": the writer named themself, the ketua RT is another
_THIRD_PERSON_VERBS = _words("""
menolak tidak tak malah justru bilang mengatakan berkata meminta memungut minta menyuruh melarang mengancam marah
belum sering selalu pernah cuek diam
""")


def _offices(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _OWN_OFFICE.finditer(text):
        comma_after_pronoun = "," in text[m.start() : m.start("office")] and not m.group("name")
        if comma_after_pronoun and not m.group("says"):
            continue  # "Saya, ketua RT 05 dan warga …": a list, the ketua RT is someone else
        if not (m.group("says") or m.group("named") or m.group("body") or (m.group("rt") or "").strip()):
            continue  # "Saya camat ditelpon …": a bare title, nothing saying it is the writer's
        after = (m.group("after") or "").strip(" \t,").lower()
        if m.group("name") and "," not in (m.group("after") or "") and after in _THIRD_PERSON_VERBS:
            continue  # "Nama saya Budi, ketua RT 07 menolak …"
        add("office", m.start("office"), m.end("office"))
    for m in _OFFICE_FIRST.finditer(text):
        add("office", m.start("office"), m.end("office"))


# Numbers read out digit by digit, as operators type what callers say ("nol delapan satu dua, tiga empat ...").
_DIGIT_WORDS = {
    "nol": "0",
    "kosong": "0",
    "satu": "1",
    "dua": "2",
    "tiga": "3",
    "empat": "4",
    "lima": "5",
    "enam": "6",
    "tujuh": "7",
    "delapan": "8",
    "sembilan": "9",
}
_DIGIT_WORD = r"(?:" + _alt(_DIGIT_WORDS) + r")"
_NUM_TOKEN = r"(?:" + _DIGIT_WORD + r"|\d{1,6})(?![\w])"
_NUM_RUN = re.compile(r"(?i)(?<![\w])" + _NUM_TOKEN + r"(?:(?:[ \t]*[,.\-][ \t]*|[ \t]+)" + _NUM_TOKEN + r"){5,}")
_NUM_PIECE = re.compile(r"(?i)" + _DIGIT_WORD + r"|\d+")
_NUMBER_WORDS = r"(?:se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|belas|puluh|ratus)"
_HOUSE_IN_WORDS = re.compile(
    r"(?i)(?<![\w])(?:no|nomor|nomer|nmr)\.?[ \t]+" + _NUMBER_WORDS + r"(?:[ \t]+" + _NUMBER_WORDS + r"){0,4}(?![\w])"
)
_PLATE_IN_WORDS = re.compile(
    r"(?<![\w])(Be|[A-Z]{1,2})[ \t]+(?i:" + _DIGIT_WORD + r")(?:[ \t]+(?i:" + _DIGIT_WORD + r")){0,3}"
    r"[ \t]+[A-Z](?:[ \t]+[A-Z]){0,2}(?![\w])"
)


def _numbers_in_words(text: str, add: Callable[[str, int, int], None]) -> None:
    for m in _NUM_RUN.finditer(text):
        pieces = _NUM_PIECE.findall(m.group(0))
        if all(p.isdigit() for p in pieces):
            continue  # plain digits: the phone and NIK rules see them
        digits = "".join(_DIGIT_WORDS.get(p.lower(), p) for p in pieces)
        if len(digits) == 16 or (
            14 <= len(digits) <= 18 and _NIK_CUE_BEFORE.search(text, max(0, m.start() - 30), m.start())
        ):
            add("nik", m.start(), m.end())
        elif 8 <= len(digits) <= 15:
            add("phone", m.start(), m.end())
    for m in _HOUSE_IN_WORDS.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if _house_stopped(before):
            continue
        if any(
            w.lower() in _HOUSE_CONTEXT_WORDS for w in _WORD_BEFORE.findall(text, max(0, m.start() - 60), m.start())
        ) or _HOUSE_CONTEXT_AFTER.match(text, m.end()):
            add("house", m.start(), m.end())
    for m in _PLATE_IN_WORDS.finditer(text):
        if m.group(1) == "Be" or m.group(1) in _REGIONS:
            add("plate", m.start(), m.end())


_DIGIT_WORD_STEMS = (
    "nol",
    "kosong",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "lapan",
    "bilan",
)  # cheap test
_NIK_CUE_BEFORE = re.compile(r"(?i)\b(?:nik|ktp|kk|nomor[ \t]+induk)\b[^\d\n]{0,20}$")


_APOSTROPHES = frozenset("\u2019\u2018\u02bc\u00b4\u0060\u2032")  # ’ ‘ ʼ ´ ` ′: what phones type for "'"


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One non-ASCII character as personal data is looked for: one character, always."""
    digit = unicodedata.decimal(c, None)
    if digit is not None:  # any script's digit ("٠٨١٢" is "0812"; "①" is not a decimal digit, NFKC below makes it "1")
        return str(digit)
    category = unicodedata.category(c)
    if category == "Pd" or c == "\u2212":  # non-breaking hyphen, en/em dash, minus sign: a "-"
        return "-"
    if category in ("Zs", "Cf"):  # no-break and thin spaces; zero-width and direction marks, soft hyphen: a " "
        return " "
    if c in _APOSTROPHES:
        return "'"
    compatible = unicodedata.normalize("NFKC", c)  # fullwidth "Ｒ" is "R", "①" is "1"
    if len(compatible) == 1:
        c = compatible
        if c.isascii():
            return c
    decomposed = unicodedata.normalize("NFD", c)  # "é" is "e": a name typed without its accents still matches
    if len(decomposed) > 1 and all(unicodedata.combining(m) for m in decomposed[1:]):
        return decomposed[0]
    return c


def fold_in_place(text: str, *, lower: bool = False) -> str:
    """``text`` as personal data is looked for in it, exactly as long as ``text``: a position in one is the same
    position in the other, so what is found in the folded copy is cut from the text as written. Any script's
    digits are ASCII digits, every dash is "-", every space, zero-width or direction mark is " ", the apostrophes
    phones type are "'", compatibility forms are plain ("ＲＡＴＮＡ" is "RATNA"), accented letters lose their
    accent; ``lower`` then lowercases (each only where the character stays one character: ``str.lower`` turns
    "İ" into two, which would move every cut after it). Text composed of combining marks is expected in NFC."""
    if text.isascii():
        return text.lower() if lower else text
    out = []
    for c in text:
        if not c.isascii():
            c = _fold_char(c)
        if lower:
            low = c.lower()
            c = low if len(low) == 1 else c
        out.append(c)
    return "".join(out)


_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:'[a-z]+)?")
# a building's, a street's or a business's word, or a title or initial, right before a word: the word is its name
_BUILDING_OR_TITLE_BEFORE = re.compile(
    r"(?i)(?:^|[^\w])(?:rs|rsud|rsup|rsia|halte|stasiun|tol|flyover|terminal|jembatan|kali|sungai|situ|taman|mall|"
    r"plaza|pt|cv|ud|sd|sdn|smp|smpn|sma|sman|smk|smkn|sekolah|kampus|universitas|univ|puskesmas|klinik|apotek|"
    r"kantor|kios|toko|warung|warteg|bengkel|ruko|lapak|yayasan|pondok|ponpes|lapangan|gereja|pura|vihara|klenteng|"
    r"masjid|mesjid|musholla|mushola|musala|langgar|pasar|gedung|tower|menara|perumahan|komplek|kompleks|apartemen|"
    r"rusun|jalan|jl|jln|gg|gang|bus|tpu|makam|hotel|salon|laundry|depot|rm|resto|kafe|cafe|mie|bakso|sate|soto|"
    r"bandara|kejaksaan|lapas|rutan|polres|polsek|koramil|kodim|"
    r"pecel|nasi|jend|jenderal|ir|kh|hr|hos|prof|letjen|mayjen|brigjen|[a-z])\.?"
    r"(?:[ \t]+(?:dr|h|hj|kh|jend|ir|prof|[a-z])\.?)?[ \t]+$"
)
_BUSINESS_AFTER = re.compile(
    r"(?i)[ \t]+(?:motor|jaya|tower|residence|raya|mart|cell|laundry|bakery|group|grup|foto|copy|snack|catering|"
    r"permai|plaza|square|center|centre|store|shop|mandiri|sentosa|abadi|makmur)(?![\w])"
)
_TO_OR_FROM_BEFORE = re.compile(r"(?i)(?:^|[^\w])(?:ke|dari|dr)[ \t]+$")
_ANY_CASE_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWEL = re.compile(r"[aeiouy]")
_PREV_ANY_WORD = re.compile(r"([A-Za-z][A-Za-z'’]*)[ \t]+$")
_NEXT_ANY_WORD = re.compile(r"[ \t]+([A-Za-z][A-Za-z'’]*)")
_INITIAL_RIGHT_BEFORE = re.compile(r"(?:^|[^\w])[A-Z]\.[ \t]*$")
_PERSON_PREDICATES = _words("""
bilang bilangnya katanya mengatakan berkata menyatakan minta meminta memohon tinggal sudah udah sdh belum blm juga jg
tidak tak tdk nggak ngga gak ga enggak adalah ialah sedang lagi pernah mau ingin janji berjanji marah datang pergi
pulang suka sakit kan pun selaku sebagai yang yg dan menolak melapor melaporkan lapor punya memiliki tahu tau bisa
harus akan masih selalu sering jarang mengancam memukul memarahi menegur menyuruh membuang membakar memarkir parkir
jualan berjualan buka menutup kerja bekerja dipanggil namanya orangnya itu ini warga udh
""")
_LIST_OR_CLAUSE_AFTER = re.compile(r"[ \t]*(?:[,:;]|\(|$)")  # "Wirohadi, warga RT 3", "Wirohadi (55)"
# names that are everyday words too: where they come back bare they are read as the word ("Putri saya hampir
# jatuh", "Syukur tidak ada korban", "lampu tenaga Surya"), even after "Mbak Putri" or "Pak Syukur" (found by
# reviews)
_WORDS_THAT_ARE_NAMES = _words("""
putri cahaya bunga iman rahmat intan melati ayu selamat sayang gondrong kumis fajar mawar adil syukur bejo
tulus indah bagus untung aman jaya sari dewi murni teguh lestari rizki rezeki berkah harapan mulia setia suci
bintang embun pelangi ratu raja mutiara permata kasih cinta damai sabar jujur tegar sehat surya kembang mega bakti
langit awan senja sinar kuat panji bumi harum wangi rejeki samudra lancar gading lintang pandu
hawa soleh saleh subur karya jali
""")
# services and agencies the honorific rule takes for people ("Pak Pln", "Bang Gojek"), roles that are names too
# ("Bu Kader"), months and days ("Bu Mei ... Mei tahun lalu"): not fed back
_NOT_PEOPLE = {
    w.capitalize()
    for w in _words("""
pln pdam gojek grab maxim shopee lazada tokopedia jne jnt sicepat ojol dishub dprd dkm damkar pemda pemprov kurir
telkom indihome palyja aetra transjakarta alfamart indomaret pertamina bina marga kai krl mrt lrt
kader kaur pos bayan kaum
januari februari maret april mei juni juli agustus september oktober november desember
senin selasa rabu kamis jumat sabtu minggu
""")
}
_NOT_PEOPLE_LOWER = {w.lower() for w in _NOT_PEOPLE}
_LISTED_NAMES = _load_given_names()
# names in lower case after a cue: not everyday words, places, roles or months (``_lower_name``)
_GIVEN_NAMES = frozenset(
    w
    for w in _LISTED_NAMES
    if not _is_common(w)
    and w not in _WORDS_THAT_ARE_NAMES
    and w not in _PLACE_NAMES
    and w not in _ROLES
    and w not in _NOT_PEOPLE_LOWER
)
# the list as written, everyday words included ("rahayu"), without places, roles and heroes' streets
_LISTED_PERSON_NAMES = frozenset(
    w for w in _LISTED_NAMES if w not in _PLACE_NAMES and w not in _ROLES and w not in _NOT_A_PERSONS_WORD
)
# before a place written without its word ("macet di Sudirman", "arah Priok"): the name there is the place's
_LOCATIVE_BEFORE = re.compile(
    r"(?i)(?:^|[^\w])(?:di|ke|dari|arah|dekat|depan|sekitar|sepanjang|menuju|lewat|seberang|samping|belakang|sampai|"
    r"hingga|kawasan|daerah|jalur|seputaran|wilayah|area|simpang|bundaran|perempatan|pertigaan)[ \t]+$"
)


def _found_names_again(
    text: str,
    lowered: str,
    spans: list[tuple[int, int, str]],
    names: Iterable[str],
    add: Callable[[str, int, int], None],
) -> None:
    """A person the rules found by a cue is removed where their name comes back bare in the same text: "pelapor
    Sumarni Wirohadi ... Wirohadi tinggal di ..." (found by a review: an Anonim walk-in's name written by the
    operator, with no name of the reporter known). Lighter than the reporter's own names, since a cue can be wrong
    about who is a person: only the same word, not a common one (a sentence may open with "Untung"), not a place's
    ("Warung Pak Kumis", "macet di Sudirman", a kelurahan's name), one pass over the text.

    In lower case or capitals ("hubungi sumarni wirohadi", "TANYA SAJA SUMARNI", or a name found so: "saya
    sumarni wirohadi") a word comes back as the person's when it is a given name (``data/given_names.txt``) or
    stands beside another word of the same name; never after a building's or a street's word or a title ("rs
    fatmawati", "warung darto", "jl a yani"), before a business's ("darto motor"), beside another given name
    ("ahmad yani"), nor where it is an everyday word too ("taman indah"). A word the cues took for a name by
    mistake ("kang cilok") stays elsewhere: it is no given name."""
    known = {w for n in names for w in n.lower().split()}
    found_low: set[str] = set()
    for start, end, kind in spans:
        if kind != "name":
            continue
        for m in _ANY_CASE_WORD.finditer(text, start, end):
            word = m.group(0)
            # "SumarniWirohadi", "McDonald": each capitalised part too
            parts = [word] if word.isupper() or word.islower() else [word, *_CAPITALISED.findall(word)]
            for part in parts:
                low = part.lower()
                if (
                    len(part) >= 3
                    and _VOWEL.search(low)  # "lgsg", "dtg": shorthand, not a name
                    and low not in known
                    and not _is_common(part)
                    and low not in _HON_TOKENS_LOWER
                    and low not in _ROLES
                    and low not in _PLACE_NAMES
                ):
                    found_low.add(low)
    found_low -= _NOT_PEOPLE_LOWER
    if not any(lowered.count(w) > 1 for w in found_low):
        return  # each found word met once: only where it was found
    found = {w.capitalize() for w in found_low}
    for m in _CAPITALISED.finditer(text):
        start, end = m.span()
        if (
            m.group(0) in found
            and _stands_alone(text, start, end)
            and not _in_place(text, start)
            and not _LOCATIVE_BEFORE.search(text, max(0, start - 12), start)
            and not _in_other_proper_noun(text, start, end, found)
            and m.group(0).lower() not in _WORDS_THAT_ARE_NAMES  # "tenaga Surya", "bir Bintang", "Putri saya"
            # a sentence opening with the name: what follows the whole name ("Bambang Sutejo minta ...")
            and not (_sentence_start(text, start) and not _person_follows(text, _name_run_end(text, end, found)))
        ):
            add("name", start, end)
    _found_names_in_chat_case(text, found_low - _WORDS_THAT_ARE_NAMES, add)


def _name_run_end(text: str, end: int, found: set[str]) -> int:
    """Where the run of found words that ends at ``end`` ends ("Bambang Sutejo" from "Bambang")."""
    while (nxt := _NEXT_WORD.match(text, end)) and nxt.group(1) in found:
        end = nxt.end()
    return end


def _found_names_in_chat_case(text: str, again: set[str], add: Callable[[str, int, int], None]) -> None:
    """The lower-case and capitals pass of ``_found_names_again``: the words of one name written together are one
    span ("[nama] [nama]" would tell its length), cut when one of them is a given name or there are two."""
    if not again:
        return
    runs: list[list] = []  # [start, end, words, given names among them]
    for m in _ANY_CASE_WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        start, end = m.span()
        if (
            low not in again
            or _CAPITALISED.fullmatch(word)  # the capitalised pass decided
            or not _stands_alone(text, start, end)
            or _after_place_or_title(text, start)
            or _BUSINESS_AFTER.match(text, end)
            or _place_name_at(text, start)
            or (
                (prev := _PREV_ANY_WORD.search(text, max(0, start - 30), start)) and _place_name_at(text, prev.start(1))
            )
        ):
            continue  # "di sunter agung", "lenteng agung": a place's name
        given = low in _GIVEN_NAMES
        if _LOCATIVE_BEFORE.search(text, max(0, start - 12), start) and not (
            given and _TO_OR_FROM_BEFORE.search(text, max(0, start - 6), start)  # "konfirmasi ke sumarni"
        ):
            continue
        if given and (pair := _beside_another_given_name(text, start, end, again)):
            # "ahmad yani" after a street's or a place's word is the street; else both are the person's name
            # ("BUDI SANTOSO itu ketua" with "Pak Budi" found)
            if _after_place_or_title(text, pair[0]) or _LOCATIVE_BEFORE.search(text, max(0, pair[0] - 12), pair[0]):
                continue
            start, end = pair
        if runs and not text[runs[-1][1] : start].strip(" \t"):
            runs[-1][1] = end
            runs[-1][2] += 1
            runs[-1][3] += given
        else:
            runs.append([start, end, 1, int(given)])
    for start, end, words, given in runs:
        if given or words >= 2:
            add("name", start, end)


def _stands_alone(text: str, start: int, end: int) -> bool:
    """The word is not part of a longer token (a user name, an address, "aminah88")."""
    return not (start and (text[start - 1].isalnum() or text[start - 1] in "_.")) and not (
        end < len(text) and (text[end].isalnum() or text[end] == "_")
    )


def _beside_another_given_name(text: str, start: int, end: int, found: set[str]) -> tuple[int, int] | None:
    """ "ahmad yani" with "yani" found, "budi santoso" with "budi": another given name beside the word, and the
    span of the two; the caller decides whether they are a street's name or the person's whole name."""
    prev = _PREV_ANY_WORD.search(text, max(0, start - 40), start)
    if prev is not None and (low := prev.group(1).lower()) in _GIVEN_NAMES and low not in found:
        return prev.start(1), end
    nxt = _NEXT_ANY_WORD.match(text, end)
    if nxt is not None and (low := nxt.group(1).lower()) in _GIVEN_NAMES and low not in found:
        return start, nxt.end(1)
    return None


def _person_follows(text: str, end: int) -> bool:
    """Whether a found name opening a sentence is the person: what follows it is what people do or are
    ("Wirohadi tinggal", "Sumarni minta", "Yani bilang"); an everyday word opens sentences too ("Budi pekerti",
    found by a review)."""
    nxt = _NEXT_WORD.match(text, end)
    return bool(nxt and nxt.group(1).lower() in _PERSON_PREDICATES) or bool(_LIST_OR_CLAUSE_AFTER.match(text, end))


def _in_other_proper_noun(text: str, start: int, end: int, found: set[str]) -> bool:
    """ "Ahmad Yani", "Harun Motor", "Rahmat Tuhan", "A. Yani": the word is part of another capitalised name (a
    street, a shop) unless the next word is the same person's too."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt and nxt.group(1)[0].isupper() and nxt.group(1) not in found:
        return True
    prev = _PREV_WORD.search(text, max(0, start - 40), start)
    if (
        prev
        and prev.group(1)[0].isupper()
        and prev.group(1) not in found
        and not (_sentence_start(text, prev.start(1)) and _is_common(prev.group(1)))  # "Kemarin Yani bilang"
        and prev.group(1).lower() not in _HON_TOKENS_LOWER
    ):
        return True  # "Ahmad Yani" with Yani found, "MRT Sudirman", "Kabel Telkom"
    return bool(_INITIAL_RIGHT_BEFORE.search(text, max(0, start - 4), start))  # "A. Yani"


def find(text: str, *, names: Iterable[str] = (), place_text: bool = False) -> list[tuple[int, int, str]]:
    """The personal data in ``text`` as sorted, non-overlapping ``(start, end, kind)`` spans (what ``redact`` removes).
    The rules read the folded copy (``fold_in_place``), so a phone written with a non-breaking hyphen or a name
    without its accents is found; the spans are the same positions in ``text``."""
    text = fold_in_place(text or "")
    names = [fold_in_place(unicodedata.normalize("NFC", n)) for n in names if n]
    spans: list[tuple[int, int, str]] = []

    def add(kind: str, start: int, end: int) -> None:
        if end > start:
            spans.append((start, end, kind))

    if "@" in text or _OBFUSCATED_AT.search(text):
        for m in _EMAIL.finditer(text):
            add("email", m.start(), m.end())
        for m in _EMAIL_OBFUSCATED.finditer(text):
            add("email", m.start(), m.end())
        for m in _EMAIL_PROVIDER.finditer(text):
            add("email", m.start(), m.end())
    if _ANY_DIGIT.search(text):
        points = [m.span() for m in _COORDINATES.finditer(text)]
        for m in _NIK.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in points):
                add("nik", m.start(), m.end())
        for m in _NIK_CUE.finditer(text):
            add("nik", m.start(1), m.end(1))
        # a point typed as coordinates is a place: "-6.2088 106.8456" reads as a +62 number otherwise
        pairs = [m.span() for m in _COORDINATE_PAIR.finditer(text)]
        _phones(text, lambda kind, s, e: None if any(a <= s and e <= b for a, b in pairs) else add(kind, s, e))
        _plates(text, add)
        _houses(text, add)
    lowered = text.lower()
    if any(w in lowered for w in _DIGIT_WORD_STEMS):
        _numbers_in_words(text, add)
    _handles(text, add)
    if "-" in text:
        for m in _HYPHEN_SPELLED.finditer(text):
            add("name", m.start(), m.end())
    _offices(text, add)
    _honorific_names(text, add)
    _cue_names(text, add)
    if names:
        _reporter_names(text, names, add, place_text=place_text)
    _joined_names(text, spans, add)
    _found_names_again(text, lowered, spans, names, add)
    _contact_and_presence_names(text, lowered, add)

    # Overlapping findings merge into their union, labelled with the highest-priority kind.
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            merged[-1] = (last_start, max(last_end, end), kind if _PRIORITY[kind] < _PRIORITY[last_kind] else last_kind)
        elif merged and kind == merged[-1][2] == "name" and not text[merged[-1][1] : start].strip(" \t"):
            merged[-1] = (merged[-1][0], end, "name")  # one name found word by word: one placeholder, not its length
        else:
            merged.append((start, end, kind))
    return merged


def redact(text: str, *, names: Iterable[str] = (), place_text: bool = False) -> Redacted:
    """Replace personal data in ``text``. ``names``: the reporter's own name(s), removed wherever they appear;
    ``place_text``: the text is an address (a kelurahan's name in it is the place's, ``_region_spans``)."""
    text = text or ""
    found: dict[str, int] = {}
    out, pos = [], 0
    for start, end, kind in find(text, names=names, place_text=place_text):
        out.append(text[pos:start])
        out.append(PLACEHOLDER[kind])
        found[kind] = found.get(kind, 0) + 1
        pos = end
    out.append(text[pos:])
    return Redacted("".join(out), found)


# --------------------------------------------------------------------------------------------------
# Evaluation against a labelled set (used by bench/redaction.py and the tests). Pure.
# --------------------------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d(?:[ \t.\-/()]{0,2}\d)*")


def pii_removed(kind: str, value: str, output: str, keep: Iterable[str] = ()) -> bool:
    """Whether the labelled personal value ``value`` is gone from the redacted ``output``.

    Removed means: the exact value no longer appears outside must-keep text, and no identifying remnant does:
    phone/NIK: no run of 6+ of its digits appears in any number in the output; email: its local part (4+
    characters) is gone; plate: its number with its letters is gone; name: none of its words of 3+ letters
    remains as a word (case-insensitive); handle: the handle without "@" is gone; house: the number no longer
    follows "No"/"Nomor".
    """
    residue = output
    for k in keep:
        residue = residue.replace(k, " ")
    if re.search(r"(?<![^\W_])" + re.escape(value) + r"(?![^\W_])", residue):
        return False  # as a word: "anya" is not left behind in "banyak"
    if kind in ("phone", "nik"):
        digits = re.sub(r"\D", "", value)
        runs = {re.sub(r"\D", "", r) for r in _DIGIT_RUN.findall(output)}
        return not any(digits[i : i + 6] in run for i in range(len(digits) - 5) for run in runs)
    if kind == "email":
        local = re.split(r"\s*(?:@|[\[\(\{<]\s*at\s*[\]\)\}>]|\s+at\s+)", value, maxsplit=1, flags=re.I)[0]
        return not (len(local) >= 4 and local.lower() in residue.lower())
    if kind == "plate":
        m = re.search(r"(\d+)[\s.\-]*([A-Za-z]*)$", value)
        tail = m.group(1) + (r"[\s.\-]*" + m.group(2) if m.group(2) else "") if m else re.escape(value)
        return not re.search(r"(?<!\d)" + tail + r"(?![\w])", residue, flags=re.I)
    if kind == "name":
        words = [w for w in re.findall(r"[^\W\d_]+", value) if len(w) >= 3]
        return not any(re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", residue, flags=re.I) for w in words)
    if kind == "handle":
        return value.lstrip("@").lower() not in residue.lower()
    if kind == "house":
        number = re.sub(r"^(?i:no|nomor|nomer|nmr|nmor|nr|unit|#)\.?\s*", "", value)
        return not re.search(r"(?i)\b(?:no|nomor|nmr|unit)\.?\s*" + re.escape(number) + r"(?![\w])", residue)
    return True


def evaluate(examples: Iterable[dict], finder: Callable[..., list[tuple[int, int, str]]] | None = None) -> dict:
    """Score ``finder`` (default: ``find``, i.e. ``redact``) on labelled examples ({"text", "names", "pii", "keep"},
    and "place_text": true for an address, read as ``redact(..., place_text=True)`` reads it).

    Returns {"texts": n, "kinds": {kind: {"count", "removed", "recall", "spans", "spurious"}},
    "pii": {"count", "removed", "recall"}, "keep": {"count", "kept", "rate"}, "misses": [...], "lost": [...],
    "spurious": [...]}. A span is spurious when it touches no labelled personal value: over-redaction that the
    must-keep list did not catch (it costs officers information, not reporters privacy).
    """
    finder = finder or find
    kinds: dict[str, dict] = {}
    keep_count = keep_kept = texts = 0
    misses, lost, spurious = [], [], []

    def stats(kind: str) -> dict:
        return kinds.setdefault(kind, {"count": 0, "removed": 0, "spans": 0, "spurious": 0})

    for ex in examples:
        texts += 1
        text = ex["text"]
        found = finder(text, names=ex.get("names", ()), place_text=ex.get("place_text", False))
        parts, pos = [], 0
        for start, end, kind in found:
            parts += [text[pos:start], PLACEHOLDER[kind]]
            pos = end
        out = "".join(parts) + text[pos:]
        labelled = []
        for item in ex.get("pii", ()):
            labelled += [(m.start(), m.end()) for m in re.finditer(re.escape(item["value"]), text)]
            st = stats(item["kind"])
            st["count"] += 1
            if pii_removed(item["kind"], item["value"], out, ex.get("keep", ())):
                st["removed"] += 1
            else:
                misses.append({"kind": item["kind"], "value": item["value"], "text": text, "output": out})
        for start, end, kind in found:
            st = stats(kind)
            st["spans"] += 1
            if not any(start < b and a < end for a, b in labelled):
                st["spurious"] += 1
                spurious.append({"kind": kind, "value": text[start:end], "text": text, "output": out})
        for k in ex.get("keep", ()):
            keep_count += 1
            if k in out:
                keep_kept += 1
            else:
                lost.append({"keep": k, "text": text, "output": out})
    for st in kinds.values():
        st["recall"] = st["removed"] / st["count"] if st["count"] else 1.0
    total = sum(s["count"] for s in kinds.values())
    removed = sum(s["removed"] for s in kinds.values())
    return {
        "texts": texts,
        "kinds": dict(sorted(kinds.items(), key=lambda kv: _PRIORITY.get(kv[0], 99))),
        "pii": {"count": total, "removed": removed, "recall": removed / total if total else 1.0},
        "keep": {"count": keep_count, "kept": keep_kept, "rate": keep_kept / keep_count if keep_count else 1.0},
        "misses": misses,
        "lost": lost,
        "spurious": spurious,
    }
