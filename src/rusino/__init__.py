"""rusino: a timeline and fact lookup on Russia-China relations in the Asia-Pacific, 2009-2016."""

__version__ = "0.1.0"
