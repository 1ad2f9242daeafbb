from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual contribution challenge")
    CAMP = "camp", _("Mentorship camp")
    FUNDABLE = "fundable", _("Fundable Projects")
    OTHER = "other", _("Other")


# The names organizers publish, which the import accepts for each standard kind. The first is the
# name a new track of that kind gets.
PUBLISHED_TRACK_NAMES = {
    TrackKind.INDIVIDUAL: ["开源贡献个人挑战赛", "个人挑战赛", "Individual contribution challenge"],
    TrackKind.CAMP: ["护航计划集训营", "飞桨护航计划集训营", "飞桨护航集训营", "Mentorship camp"],
    TrackKind.FUNDABLE: ["Fundable Projects", "Fundable Projects 硬核赛道"],
}


class MilestoneKind(models.TextChoices):
    WEEKLY_REPORT = "weekly_report", _("Weekly report")
    TECH_SHARING = "tech_sharing", _("Tech-sharing session")
    DEFENCE = "defence", _("Defence")
    OTHER = "other", _("Other")
