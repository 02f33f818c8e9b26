# Sourced by the benchmark scripts: city_rules FILE [BORDER_METRES] writes routing rules for the
# synthetic city's 10 appeal categories (bench/make_city.py): each covered by the territories
# layer's `org` (with BORDER_METRES as the border tolerance when given), then a fallback.
city_rules() {
  local file=$1 border=${2:+, border_metres: $2} c
  printf 'organisations: [{id: admin, name: Администрация}]\ncategories:\n' > "$file"
  for c in "Вывоз мусора" "Уличное освещение" "Дороги и тротуары" "Благоустройство двора" "Отопление" "Водоснабжение" "Общественный транспорт" "Шум" "Бродячие животные" "Прочее"; do
    printf '  - {id: "%s", name_ru: "%s", name_en: x, deadline_days: 5, strategies: [{covering: {layer: territories, organisation: org%s}}, {fallback: admin}]}\n' "$c" "$c" "$border" >> "$file"
  done
}
