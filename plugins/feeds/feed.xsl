<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS or Atom feed opened in a browser as a readable page that says what it is. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="yes"/>

  <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
  <xsl:variable name="home" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>

  <xsl:template match="/">
    <html lang="en-GB">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (web feed)</title>
        <link rel="stylesheet" href="__SITE_ROOT__/theme/css/site.css"/>
      </head>
      <body>
        <main id="main" class="wrap">
          <div class="notification-banner" role="region" aria-labelledby="feed-notice">
            <div class="notification-banner-header">
              <h2 class="notification-banner-title" id="feed-notice">This is a web feed</h2>
            </div>
            <div class="notification-banner-content">
              <p class="notification-banner-heading">Copy this page's address into a feed reader to follow new articles.</p>
              <p>A feed reader shows you new articles as soon as they are published.
                <a href="__SITE_ROOT__/subscribe/">How to subscribe, and every feed we offer</a></p>
            </div>
          </div>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="intro"><xsl:value-of select="/rss/channel/description | /atom:feed/atom:subtitle"/></p>
          <p><a href="{$home}">Visit the website</a></p>
          <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <article class="card">
      <h2 class="card-title"><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="teaser"><xsl:value-of select="description"/></p>
    </article>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article class="card">
      <h2 class="card-title"><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
      <p class="teaser"><xsl:value-of select="atom:summary"/></p>
    </article>
  </xsl:template>
</xsl:stylesheet>
