"""The simulated org's data, one concept per module.

`clock` (absolute time, volume), `ids` (seeded generators and ids), `people`
(divisions, queues, wrap-up codes, agents), `forms` and `evaluation_forms`
(versioned forms), `conversations` (the plans of one hour), `surveys` and
`evaluations` (their life cycle), `comments` (free text), `timeline` and
`render_*` (wire JSON), `records` (the compact index rows).
"""
