from programme.models import ReleasedSession


def test_published_event_fixture_releases_both_sessions(published_event):
    _event, release = published_event
    assert ReleasedSession.objects.filter(release=release).count() == 2
    assert release.changes["added"] and not release.changes["moved"]
