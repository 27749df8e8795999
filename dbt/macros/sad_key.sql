{#- A SAD name or city reduced to what identifies it: accents stripped, upper case, every run of
    punctuation or spaces made one space ("A.S.M.D.O." and "A S M D O" match; "Béthune" and
    "BETHUNE" match). Used to recognise the same SAD printed slightly differently. -#}
{% macro sad_text_norm(text) -%}
    trim(regexp_replace(upper(strip_accents(coalesce({{ text }}, ''))), '[^A-Z0-9]+', ' ', 'g'))
{%- endmacro %}

{#- The stable key of a SAD that the FAP registry does not list: département, then the first 16
    hex digits of md5(département | normalised city | normalised name). Deterministic: the same
    printed SAD gets the same key at every refresh and in every mart. -#}
{% macro sad_name_key(department_code, city, sad_name) -%}
    {{ department_code }} || '-' || left(md5(
        {{ department_code }} || '|' || {{ sad_text_norm(city) }} || '|' || {{ sad_text_norm(sad_name) }}
    ), 16)
{%- endmacro %}
