{% set source_relation = source('app', 'user_achievements') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as user_achievement_id,
        cast(user_id as {{ dbt.type_bigint() }}) as user_id,
        cast(achievement_slug as {{ dbt.type_string() }}) as achievement_slug,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'earned_at') }}
            as earned_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'user_achievements') }}
            as source_loaded_at
    from source

)

select * from renamed
