# Indonesian dates with the month written out ("8 Oktober 2026"), as ministries and the press write them. Django's
# own Indonesian format abbreviates in the Associated Press style, which mixes "Okt." with "Agu" and "Maret".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
