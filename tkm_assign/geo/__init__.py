"""Geography: where people are, and how long it takes a mentor to reach them.

Between reading the inputs (:mod:`tkm_assign.io`) and assigning mentors
(:mod:`tkm_assign.assign`), every location is placed and every travel question answered here:

- :mod:`~tkm_assign.geo.regions`: provinces, regencies and islands (``geo/``), placing a point
  on them (:meth:`Geography.locate`);
- :mod:`~tkm_assign.geo.places`: the gazetteer of ``data/places/`` (villages, district seats)
  the sample and the capacity planner draw from; :mod:`~tkm_assign.geo.towns`: its district
  seats and regency capitals, placed, where new mentors could live (capacity planning and
  the remedies for the unserved name them);
- :mod:`~tkm_assign.geo.travel`: the :class:`TravelModel` interface (integer minutes and
  metres), the island rule and the straight-line model; :mod:`~tkm_assign.geo.models` makes
  the model ``travel.model`` names;
- :mod:`~tkm_assign.geo.trunk_roads` and :mod:`~tkm_assign.geo.roads`: the trunk road graph
  and road travel on it; :mod:`~tkm_assign.geo.ferries`: bridges and ferry crossings;
- :mod:`~tkm_assign.geo.candidates`: the eligible mentors of each participant, fastest first,
  with a reason for those who have none; :mod:`~tkm_assign.geo.cache` keeps them on disk.

Nothing here reads the participants' or mentors' files or writes outputs.
"""
