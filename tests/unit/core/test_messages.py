"""core.messages: Indonesian text as str, translated at the edge from msgid + params."""
import copy
import json
import pickle

from bimtek.core.messages import N_, Joined, Message, N_plural, as_message, from_data, joined, translate

EN = {
    "Hadir %(attended)s dari %(num)s sesi": ("Attended %(attended)s of %(num)s session",
                                             "Attended %(attended)s of %(num)s sessions"),
    "RTL belum disetujui (status: %(status)s)": "RTL not approved yet (status: %(status)s)",
    "Diajukan": "Submitted",
    "; %(num)s sesi belum ada data": ("; %(num)s session without data", "; %(num)s sessions without data"),
}


def _gettext(msgid):
    found = EN.get(msgid, msgid)
    return found if isinstance(found, str) else found[0]


def _ngettext(singular, plural, n):
    found = EN.get(singular)
    if found is None:
        return singular if n == 1 else plural
    return found[0] if n == 1 else found[1]


def english(value):
    return translate(value, _gettext, _ngettext)


SESSIONS = N_plural("Hadir %(attended)s dari %(num)s sesi", "Hadir %(attended)s dari %(num)s sesi")


def test_str_is_the_formatted_indonesian_text():
    message = Message.counted(*SESSIONS, 6, attended=6)
    assert message == "Hadir 6 dari 6 sesi" and isinstance(message, str)
    assert message.msgid == SESSIONS[0] and message.params == {"attended": 6, "num": 6}
    assert f"{message}." == "Hadir 6 dari 6 sesi." and json.dumps(message) == '"Hadir 6 dari 6 sesi"'


def test_markers_return_their_text():
    assert N_("Simpan") == "Simpan" and N_plural("baris", "baris") == ("baris", "baris")


def test_translate_uses_the_catalog_and_plural_forms():
    assert english(Message.counted(*SESSIONS, 1, attended=1)) == "Attended 1 of 1 session"
    assert english(Message.counted(*SESSIONS, 6, attended=5)) == "Attended 5 of 6 sessions"


def test_nested_message_parameters_are_translated_too():
    message = Message(N_("RTL belum disetujui (status: %(status)s)"), status=Message(N_("Diajukan")))
    assert message == "RTL belum disetujui (status: Diajukan)"
    assert english(message) == "RTL not approved yet (status: Submitted)"


def test_a_parameter_may_be_called_count_or_msgid():
    assert Message(N_("%(count)s berkas %(msgid)s"), count=2, msgid="x") == "2 berkas x"


def test_percent_signs_and_unknown_msgids():
    assert Message(N_("%(share)s%% hadir"), share=50) == "50% hadir"
    assert Message("100% tanpa parameter") == "100% tanpa parameter"  # no params: not formatted
    assert english(Message(N_("Belum diterjemahkan %(n)s"), n=2)) == "Belum diterjemahkan 2"


def test_joined_messages_translate_piece_by_piece():
    note = Message.counted(N_("; %(num)s sesi belum ada data"), "; %(num)s sesi belum ada data", 2)
    joined = Message.counted(*SESSIONS, 6, attended=6) + note
    assert isinstance(joined, Joined) and joined == "Hadir 6 dari 6 sesi; 2 sesi belum ada data"
    assert english(joined) == "Attended 6 of 6 sessions; 2 sessions without data"
    assert english("Awal: " + Message(N_("Diajukan")) + ".") == "Awal: Submitted."


def test_plain_values_are_never_looked_up():
    assert english("Diajukan") == "Diajukan"  # user data that happens to equal a msgid stays as typed
    assert english(None) == "" and english(3) == "3"
    assert english(as_message("Diajukan")) == "Submitted"


def test_stored_as_json_data_and_rebuilt():
    message = Message(N_("RTL belum disetujui (status: %(status)s)"), status=Message(N_("Diajukan")))
    joined = message + " " + Message.counted(*SESSIONS, 2, attended=1)
    for original in (message, joined):
        rebuilt = from_data(json.loads(json.dumps(original.to_data())))
        assert rebuilt == original and english(rebuilt) == english(original)
    assert from_data("teks lama") == "teks lama"


def test_copy_and_pickle_keep_the_msgid():
    message = Message.counted(*SESSIONS, 3, attended=2)
    for clone in (copy.deepcopy(message), pickle.loads(pickle.dumps(message)),
                  pickle.loads(pickle.dumps(message + "!"))):
        assert english(clone).startswith("Attended 2 of 3 sessions")


def test_a_broken_translation_falls_back_to_indonesian():
    def broken(msgid):
        return "Attended %(nope)s"

    message = Message(N_("Hadir %(n)s"), n=2)
    assert translate(message, broken, _ngettext) == "Hadir 2"


def test_str_methods_still_work():
    message = Message.counted(*SESSIONS, 6, attended=6)
    assert message.count("6") == 2 and message.upper().startswith("HADIR") and message.num == 6


def test_joined_keeps_each_piece_translatable():
    text = joined([Message(N_("Diajukan")) + ".", "Teks."])
    assert text == "Diajukan. Teks." and english(text) == "Submitted. Teks."
    assert joined([]) == ""
