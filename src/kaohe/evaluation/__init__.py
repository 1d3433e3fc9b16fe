"""Democratic evaluations (民主测评 / 满意度测评 / 评最差 / 述廉评廉): groups, ballots, marks."""
