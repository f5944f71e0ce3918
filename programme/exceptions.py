from django.utils.translation import gettext_lazy as _

from config.exceptions import ApplicationError, NotFound


class ProgrammeError(ApplicationError):
    code = "programme_error"


class EventNotFound(NotFound):
    code = "event_not_found"
    default_message = _("No such edition.")


class NothingPublished(NotFound):
    code = "schedule_not_published"
    default_message = _("The schedule of this edition has not been published yet.")


class ReleaseVersionTaken(ProgrammeError):
    code = "release_version_taken"
    http_status = 409
    default_message = _("A release with this version already exists.")


class EmptyRelease(ProgrammeError):
    code = "release_empty"
    default_message = _("There is no confirmed, scheduled session to publish.")


class ReleasePreviewOutdated(ProgrammeError):
    code = "release_preview_outdated"
    http_status = 409
    default_message = _("The schedule changed since the preview. Check the changes again, then publish.")
