"""People's faces: an uploaded avatar, else GitHub's (when AVATARS_GITHUB is on), else the
initial drawn by the stylesheet; the Content-Security-Policy allows GitHub's host only when on.

The tests run with AVATARS_GITHUB off (tests/settings.py): no page of any test links to a remote
image. The tests here that turn it on read the pages' HTML; no browser loads them."""

import importlib
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template

import hackathon.settings
from participants.models import Participant
from participants.templatetags.avatars import initial
from tests.factories import TrackFactory, WorkFactory

GITHUB = "https://avatars.githubusercontent.com"


def render(person, size=24):
    template = Template("{% load avatars %}{% avatar person size %}")
    return template.render(Context({"person": person, "size": size}))


@pytest.fixture
def configure(monkeypatch, settings):
    """Read the settings module again with AVATARS_GITHUB set in the environment, as a deployment
    would, and serve with what it derives (the setting and the policy)."""

    def configure(value):
        monkeypatch.setenv("AVATARS_GITHUB", value)
        module = importlib.reload(hackathon.settings)
        settings.AVATARS_GITHUB = module.AVATARS_GITHUB
        settings.CONTENT_SECURITY_POLICY = module.CONTENT_SECURITY_POLICY

    yield configure
    monkeypatch.undo()
    importlib.reload(hackathon.settings)


@pytest.fixture
def people(db):
    """alice (张三) uploaded an avatar; zeroRains has neither a name nor an avatar; bob's name
    starts with an emoji. All three completed a task of the 1st edition."""
    alice = Participant.objects.create(login="alice", name="张三", avatar="avatars/alice.png")
    zero = Participant.objects.create(login="zeroRains")
    bob = Participant.objects.create(login="bob", name="🚀 Bob")
    track = TrackFactory(edition__number=1, edition__slug="1st")
    WorkFactory(task__track=track, task__stars=3, contributors=[alice])
    WorkFactory(task__track=track, task__stars=2, contributors=[zero])
    WorkFactory(task__track=track, task__stars=1, contributors=[bob])
    return alice, zero, bob


def img_src(response):
    return re.findall(r'<img [^>]*src="([^"]*)"', response.content.decode())


def img_src_policy(response):
    directives = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";")
    )
    return directives["img-src"]


def test_an_uploaded_avatar_comes_first_then_github_s_then_the_initial(settings):
    settings.AVATARS_GITHUB = True
    person = Participant(login="alice", name="张三", avatar="avatars/alice.png")

    assert render(person) == (
        '<span class="avatar avatar-24 avatar-c7" data-initial="张" aria-hidden="true">'
        '<img src="/media/avatars/alice.png" alt="" width="24" height="24" loading="lazy" '
        'referrerpolicy="no-referrer" data-initial="张"></span>'
    )
    person.avatar = ""
    assert render(person, 72) == (
        '<span class="avatar avatar-72 avatar-c7" data-initial="张" aria-hidden="true">'
        '<img src="https://avatars.githubusercontent.com/alice?s=144" alt="" width="72" '
        'height="72" loading="lazy" referrerpolicy="no-referrer" data-initial="张"></span>'
    )
    settings.AVATARS_GITHUB = False
    assert render(person) == (
        '<span class="avatar avatar-24 avatar-c7" data-initial="张" aria-hidden="true"></span>'
    )
    # An uploaded avatar is the site's own: it is shown with GitHub's off too.
    person.avatar = "avatars/alice.png"
    assert 'src="/media/avatars/alice.png"' in render(person)


def test_the_colour_follows_the_login_whatever_its_case():
    assert 'class="avatar avatar-20 avatar-c6"' in render(Participant(login="zeroRains"), 20)
    assert 'class="avatar avatar-20 avatar-c6"' in render(Participant(login="ZERORAINS"), 20)
    assert 'class="avatar avatar-20 avatar-c0"' in render(Participant(login="bob"), 20)


def test_a_size_the_stylesheet_does_not_draw_is_refused():
    with pytest.raises(ValueError, match=r"avatar: size 25 is not one of \(20, 24, 32, 72\)"):
        render(Participant(login="alice"), 25)


@pytest.mark.parametrize(
    ("name", "login", "expected"),
    [
        ("张三", "zhangsan", "张"),
        ("  李四 ", "lisi", "李"),
        ("", "zeroRains", "Z"),
        ("élodie", "elodie", "É"),  # one precomposed letter
        ("e\u0301lodie", "elodie", "É"),  # a letter and its combining accent: one grapheme
        ("a\u0308\u0301", "x", "Ä\u0301"),  # two marks on one letter stay with it
        ("ßtraße", "strasse", "ß"),  # its capitals are two letters: kept as it is
        ("🚀 Bob", "bob", "B"),  # an emoji is no initial: the login's
        ("👩‍💻", "dev-li", "D"),  # a ZWJ sequence
        ("🇨🇳 Wang", "wang", "W"),  # a flag
        ("\u0301abc", "abc", "A"),  # a combining mark with no letter before it
        ("क्षमा", "kshama", "K"),  # a conjunct: the grapheme goes past the virama
        ("ᄀ\u1161\u11a8", "gak", "각"),  # jamo that compose (NFC) into one syllable
        ("ᄀ\u1160", "jamo", "J"),  # jamo that do not: the login's
        ("a\u200d", "zwj", "Z"),  # a zero-width joiner ties the next character on
        ("3D Li", "threed", "T"),  # not a letter
    ],
)
def test_the_initial_is_one_whole_grapheme_of_the_name_or_the_login_s_first_letter(
    name, login, expected
):
    assert initial(name, login) == expected


def test_the_setting_decides_whether_pages_and_policy_name_github_s_avatars_host(
    client, people, configure, django_assert_num_queries
):
    configure("false")
    board = client.get("/editions/1st/leaderboard/")
    profile = client.get("/people/zeroRains/")

    # Off: the uploaded avatar and initials only; nothing from another site.
    assert img_src(board) == ["/media/avatars/alice.png"]
    assert re.findall(
        r'<span class="avatar[^"]*" data-initial="([^"]*)"', board.content.decode()
    ) == ["张", "Z", "B"]
    assert img_src(profile) == []
    assert (
        '<span class="avatar avatar-72 avatar-c6" data-initial="Z" aria-hidden="true"></span>'
        in profile.content.decode()
    )
    for response in (board, profile):
        assert GITHUB not in response.content.decode()
        assert img_src_policy(response) == "'self'"

    configure("true")
    cache.clear()  # the pages made with the setting off are cached whole
    # The avatars come with the board's rows: the query count of test_views' leaderboard test.
    with django_assert_num_queries(5):
        board = client.get("/editions/1st/leaderboard/")
    profile = client.get("/people/zeroRains/")

    assert img_src(board) == [
        "/media/avatars/alice.png",
        f"{GITHUB}/zeroRains?s=48",
        f"{GITHUB}/bob?s=48",
    ]
    assert img_src(profile) == [f"{GITHUB}/zeroRains?s=144"]
    for response in (board, profile):
        assert img_src_policy(response) == f"'self' {GITHUB}"


def test_the_setting_takes_true_or_false_only(configure):
    with pytest.raises(ImproperlyConfigured, match="AVATARS_GITHUB must be 'true' or 'false'"):
        configure("yes")


def test_an_uploaded_avatar_appears_only_as_a_media_url(client, people):
    _, zero, bob = people
    # What an organizer's upload stores is in avatars/; a name from anywhere else (a staged
    # import, a path out of the folder) is never linked: the next source is shown instead.
    Participant.objects.filter(pk=zero.pk).update(avatar="imports/staged.csv")
    Participant.objects.filter(pk=bob.pk).update(avatar="avatars/../imports/staged.csv")
    urls = ["/editions/1st/leaderboard/", "/editions/1st/honour-roll/", "/people/alice/"]

    for url in urls:
        html = client.get(url).content.decode()
        assert re.findall(r'src="([^"]*avatars[^"]*)"', html) == ["/media/avatars/alice.png"]
        assert "imports/" not in html
    profile = client.get("/people/bob/").content.decode()
    assert (
        '<span class="avatar avatar-72 avatar-c0" data-initial="B" aria-hidden="true">' in profile
    )
    assert "staged" not in profile


def test_the_camp_and_fundable_tables_show_mentors_and_people_with_their_faces(client, db):
    camp = TrackFactory(edition__number=2, edition__slug="2nd", kind="camp")
    mentor = Participant.objects.create(login="mentor", name="李四")
    work = WorkFactory(task__track=camp, task__code="项目一", contributors=["camper"])
    work.task.mentors.add(mentor)

    html = client.get("/editions/2nd/tracks/camp/").content.decode()

    faces = re.findall(
        r'<span class="person"><span class="avatar avatar-20 avatar-c\d" data-initial="(.)" '
        r'aria-hidden="true"></span> <a href="/people/(\w+)/">',
        html,
    )
    assert faces == [("李", "mentor"), ("C", "camper")]
