from django.conf import settings


def sigap(request):
    return {
        "SIGAP_TILE_URL": settings.SIGAP_TILE_URL,
        "SIGAP_TILE_ATTRIBUTION": settings.SIGAP_TILE_ATTRIBUTION,
        "SIGAP_CITY_NAME": getattr(settings, "SIGAP_CITY_NAME", "DKI Jakarta"),
    }
