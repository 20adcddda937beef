"""Tests of the rules engine (app/rules): no Flask app needed."""
