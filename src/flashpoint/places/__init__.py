"""Places: the gazetteer (what names can mean) and geoparsing (which place a mention and an event mean)."""

from .gazetteer import Candidate, Gazetteer, normalize_name
from .geoparse import country_location, event_location, geoparse

__all__ = ["Candidate", "Gazetteer", "country_location", "event_location", "geoparse", "normalize_name"]
