"""stance: a diplomatic stance-shift tracker."""
__version__ = "0.1.0"
