"""Places: the gazetteer (what names can mean) and geoparsing (which place a mention and an event mean)."""

from .event_place import country_location, event_location
from .gazetteer import Candidate, Gazetteer, normalize_name
from .geoparse import geoparse

__all__ = ["Candidate", "Gazetteer", "country_location", "event_location", "geoparse", "normalize_name"]
