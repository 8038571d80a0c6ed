{{
    config(
        materialized='incremental',
        unique_key='order_id',
        on_schema_change='append_new_columns',
        cluster_by=['to_date(placed_at)']
    )
}}

-- One row per order in its latest state, with the customer's tier at order time.
-- Owner: @shopfront/analytics-engineering. Consumed by fct_daily_revenue and attribution.

-- Incremental on _loaded_at: only orders changed since the last build are merged.

select
    o.order_id,
    o.currency,
    o.amount_minor / 100.0 as amount,
    o.customer_tier,
    o.discount_code,
    coalesce(d.discount_pct, 0) as discount_pct,
    o.amount_minor * coalesce(d.discount_pct, 0) / 10000.0 as discount_amount,
    o.placed_at
from {{ ref('stg_orders') }} o
left join {{ ref('stg_customers') }} c on c.customer_id = o.customer_id
left join {{ ref('dim_discounts') }} d on d.discount_code = o.discount_code
where o.status != 'test'
{% if is_incremental() %}
  and o._loaded_at > (select coalesce(max(_loaded_at), '1970-01-01') from {{ this }})
{% endif %}
